"""The course, its modules and lessons."""
from pathlib import Path

from flask import (Blueprint, Response, abort, g, jsonify, redirect, render_template, request,
                   send_from_directory, url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import text

from ..content import get_content
from ..extensions import db
from ..i18n import preferred_language
from . import progress
from .forms import CompleteForm
from .text import lesson_markdown

root_bp = Blueprint("root", __name__)
bp = Blueprint("learn", __name__, url_prefix="/<lang>")


@root_bp.get("/")
def index():
    return redirect(url_for("learn.home", lang=preferred_language()))


@root_bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


def _can_see_drafts() -> bool:
    return current_user.is_authenticated and current_user.is_staff


def _course():
    return get_content().course(g.lang)


def _module_or_404(module_id: str):
    module = _course().module(module_id)
    if module is None:
        abort(404)
    return module


def _lesson_or_404(module_id: str, lesson_id: str):
    module = _module_or_404(module_id)
    ref = _course().lesson(lesson_id)
    if ref is None or ref.module_id != module.id or (ref.lesson.is_draft and not _can_see_drafts()):
        abort(404)
    return module, ref


@bp.get("/")
def home():
    view = _course()
    status = progress.course_status(view, current_user, _can_see_drafts())
    return render_template("learn/home.html", view=view, status=status, drafts=_can_see_drafts())


@bp.get("/modules/<module_id>")
def module(module_id: str):
    view = _course()
    mod = _module_or_404(module_id)
    status = progress.course_status(view, current_user, _can_see_drafts())
    return render_template("learn/module.html", view=view, module=mod, status=status,
                           lessons=mod.published_lessons(_can_see_drafts()))


def _neighbours(module, ref):
    lessons = module.published_lessons(_can_see_drafts())
    ids = [r.id for r in lessons]
    pos = ids.index(ref.id)
    previous = lessons[pos - 1] if pos > 0 else None
    following = lessons[pos + 1] if pos + 1 < len(lessons) else None
    return previous, following


@bp.get("/modules/<module_id>/<lesson_id>")
def lesson(module_id: str, lesson_id: str):
    view = _course()
    mod, ref = _lesson_or_404(module_id, lesson_id)
    if current_user.is_authenticated:
        progress.record_open(current_user, ref)
    status = progress.course_status(view, current_user, _can_see_drafts())
    previous, following = _neighbours(mod, ref)
    return render_template("learn/lesson.html", view=view, module=mod, ref=ref, lesson=ref.lesson,
                           status=status, previous=previous, following=following,
                           complete_form=CompleteForm())


@bp.get("/modules/<module_id>/<lesson_id>/text")
def lesson_text(module_id: str, lesson_id: str):
    mod, ref = _lesson_or_404(module_id, lesson_id)
    return render_template("learn/lesson_text.html", module=mod, ref=ref, lesson=ref.lesson)


@bp.get("/modules/<module_id>/<lesson_id>/download")
def lesson_download(module_id: str, lesson_id: str):
    mod, ref = _lesson_or_404(module_id, lesson_id)
    body = lesson_markdown(ref, mod.module.title, {"reflection": _("Reflection"), "quiz": _("Quiz")})
    return Response(body, mimetype="text/markdown", headers={
        "Content-Disposition": f'attachment; filename="{ref.id}-{ref.lang}.md"',
    })


@bp.get("/media/<path:filename>")
def media(filename: str):
    """Images named by lessons, from the content folder's media/ (never above it)."""
    return send_from_directory(Path(get_content().root) / "media", filename, max_age=3600)


@bp.post("/modules/<module_id>/<lesson_id>/complete")
@login_required
def complete(module_id: str, lesson_id: str):
    view = _course()
    mod, ref = _lesson_or_404(module_id, lesson_id)
    form = CompleteForm()
    if not form.validate_on_submit():
        abort(400)
    if ref.lesson.required_activities:
        # Such a lesson completes by itself once its activities are done.
        abort(400)
    progress.set_lesson_complete(current_user, view, ref, complete=form.action.data != "undo")
    _, following = _neighbours(mod, ref)
    if form.action.data == "complete" and following is not None and request.form.get("go_next"):
        return redirect(url_for("learn.lesson", module_id=mod.id, lesson_id=following.id))
    return redirect(url_for("learn.lesson", module_id=mod.id, lesson_id=ref.id) + "#progress")
