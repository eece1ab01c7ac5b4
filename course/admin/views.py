"""The admin area: learners, accounts, feedback, quiz insight, exports, audit log.

Every page needs the admin role, except quiz insight, which instructors may
open too. Visitors are sent to sign in; other signed-in users get 403.
"""
from flask import (Blueprint, Response, abort, flash, g, redirect, render_template, request,
                   stream_with_context, url_for)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.decorators import restrict_blueprint, staff_required
from ..content import get_content
from ..extensions import db
from ..i18n import LANGUAGE_NAMES
from ..models import ModuleCompletion, Role, User
from ..paging import page_number, paginate
from . import audit, insight, learners, records
from .accounts import ROLE_LABELS, AccountChangeError, change_role, set_active
from .export import download_name, export_chunks, module_ids
from .filters import FilterError, check_filters, check_format
from .formats import MEDIA_TYPES
from .forms import ExportForm, FeedbackFilterForm, RoleForm, SearchForm, StatusForm

bp = Blueprint("admin", __name__, url_prefix="/<lang>/admin", template_folder="templates",
               static_folder="static", static_url_path="/static")

restrict_blueprint(bp, Role.ADMIN)  # quiz insight says otherwise, with its own decorator


@bp.context_processor
def _helpers():
    return {"ROLE_LABELS": ROLE_LABELS,
            "has_endpoint": lambda endpoint: endpoint in current_app.view_functions}


def _course():
    return get_content().course(g.lang)


def _specs():
    return records.module_specs(get_content())


@bp.get("/")
def index():
    learner_ids = select(User.id).where(User.role == Role.LEARNER)
    learners_total = db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.LEARNER))
    course_done = db.session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.LEARNER, User.course_completed_at.is_not(None)))
    completions = dict(db.session.execute(
        select(ModuleCompletion.module_id, func.count()).where(ModuleCompletion.user_id.in_(learner_ids))
        .group_by(ModuleCompletion.module_id)).all())
    return render_template("admin/index.html", view=_course(), learners_total=learners_total,
                           course_done=course_done, completions=completions)


@bp.get("/learners")
def learners_list():
    form = SearchForm(request.args)
    valid = form.validate()
    search = (form.q.data or "") if valid else ""
    page = paginate(learners.accounts_query(search), page_number(request.args.get("page")), learners.PER_PAGE)
    progress = learners.progress_by_learner(_specs(), [u.id for u in page.items])
    return render_template("admin/learners.html", form=form, page=page, progress=progress, view=_course(),
                           search=search), 200 if valid else 422


@bp.get("/users")
def users():
    form = SearchForm(request.args)
    valid = form.validate()
    search = (form.q.data or "") if valid else ""
    role = form.role.data if form.role.data in ROLE_LABELS else None
    stmt = learners.accounts_query(search, roles=(role,) if role else None)
    page = paginate(stmt, page_number(request.args.get("page")), learners.PER_PAGE)
    return render_template("admin/users.html", form=form, page=page), 200 if valid else 422


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:  # a deleted account is nobody's any more
        abort(404)
    return user


@bp.get("/learners/<int:user_id>")
def learner(user_id: int):
    user = _user_or_404(user_id)
    role_form = RoleForm(formdata=None, role=user.role)
    return _learner_page(user, role_form)


def _learner_page(user: User, role_form: RoleForm, status: int = 200):
    view = _course()
    modules = learners.learner_detail(view, _specs(), user)
    attempts = learners.quiz_attempts(user.id)
    quizzes = {}
    for attempt in attempts:
        found = view.quiz(attempt.quiz_id)
        quizzes[attempt.quiz_id] = found[0].title if found else attempt.quiz_id
    return render_template("admin/learner.html", user=user, modules=modules, attempts=attempts,
                           quiz_titles=quizzes, role_form=role_form,
                           status_form=StatusForm(formdata=None), view=view), status


@bp.post("/learners/<int:user_id>/role")
def learner_role(user_id: int):
    user = _user_or_404(user_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            changed = change_role(current_user, user, form.role.data)
        except AccountChangeError as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
        else:
            if changed:
                flash(_("%(name)s is now: %(role)s.", name=user.name, role=ROLE_LABELS[user.role]), "success")
            else:
                flash(_("%(name)s already had that role.", name=user.name), "info")
        return redirect(url_for("admin.learner", user_id=user.id))
    db.session.rollback()
    return _learner_page(user, form, 422)


@bp.post("/learners/<int:user_id>/status")
def learner_status(user_id: int):
    user = _user_or_404(user_id)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        changed = set_active(current_user, user, form.action.data == "reactivate")
    except AccountChangeError as exc:
        flash(str(exc.message), "error")
    else:
        if changed and user.active:
            flash(_("The account of %(name)s is active again.", name=user.name), "success")
        elif changed:
            flash(_("The account of %(name)s is deactivated: they can no longer sign in.", name=user.name), "success")
    return redirect(url_for("admin.learner", user_id=user.id))


@bp.get("/feedback")
def feedback():
    view = _course()
    form = FeedbackFilterForm(request.args)
    form.module.choices = [("", _("All modules"))] + [(m.id, m.module.title) for m in view.modules]
    module_id = form.module.data if view.module(form.module.data or "") else None
    page = paginate(insight.feedback_query(module_id), page_number(request.args.get("page")),
                    learners.PER_PAGE, scalars=False)
    return render_template("admin/feedback.html", view=view, form=form, page=page,
                           summary=insight.feedback_summary(view))


@bp.get("/quizzes")
@staff_required
def quiz_insight():
    view = _course()
    return render_template("admin/quizzes.html", view=view, stats=insight.quiz_stats(view))


@bp.get("/export")
def export():
    view = _course()
    form = ExportForm(request.args)
    form.module.choices = [("", _("All modules"))] + [(m.id, m.module.title) for m in view.modules]
    if "format" not in request.args:
        return render_template("admin/export.html", form=form, format_error=None)
    format_error = None
    try:
        fmt = check_format(request.args.get("format"))
    except FilterError as exc:
        format_error = exc.errors["format"]
    try:
        filters = check_filters(module_ids(), module=form.module.data, lang=form.lang.data,
                                since=form.since.data, until=form.until.data)
    except FilterError as exc:
        for field, message in exc.errors.items():
            getattr(form, field).errors = [message]
        filters = None
    if filters is None or format_error:
        return render_template("admin/export.html", form=form, format_error=format_error), 422
    audit.record(current_user, "export", format=fmt, filters=filters.as_dict(), source="web")
    chunks = export_chunks(fmt, filters)
    return Response(stream_with_context(chunks), content_type=MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{download_name(fmt, filters)}"',
        "Cache-Control": "no-store",
        "X-Accel-Buffering": "no",
    })


@bp.get("/audit")
def audit_log():
    action = request.args.get("action")
    action = action if action in audit.ACTIONS else None
    page = paginate(audit.events_query(action), page_number(request.args.get("page")), 50)
    return render_template("admin/audit.html", page=page, action=action, actions=audit.ACTIONS,
                           details_of=audit.details_of, LANGUAGE_NAMES=LANGUAGE_NAMES)
