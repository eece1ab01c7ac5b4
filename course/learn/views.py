"""The course, its modules and lessons."""
from pathlib import Path

from flask import (Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request,
                   send_from_directory, url_for)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text

from ..auth.decorators import login_required
from ..content import get_content
from ..extensions import db
from ..i18n import preferred_language
from ..pagecache import render_page
from . import personal, progress  # noqa: F401  (personal: the fillers of the pages below)
from .forms import CompleteForm
from .lookup import can_see_drafts, course_view, lesson_or_404, module_or_404
from .text import lesson_markdown

root_bp = Blueprint("root", __name__)
bp = Blueprint("learn", __name__, url_prefix="/<lang>")


@root_bp.get("/")
def index():
    return redirect(url_for("learn.home", lang=preferred_language()))


@root_bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on pages that do not name their icon."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)


@root_bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/")
def home():
    view = course_view()
    status = progress.course_status(view, current_user, can_see_drafts())
    return render_page("learn/home.html", {"view": view, "drafts": can_see_drafts()}, {"status": status})


@bp.get("/modules/<module_id>")
def module(module_id: str):
    view = course_view()
    mod = module_or_404(module_id)
    status = progress.course_status(view, current_user, can_see_drafts())
    return render_page("learn/module.html",
                       {"view": view, "module": mod, "lessons": mod.published_lessons(can_see_drafts())},
                       {"status": status})


def _neighbours(module, ref):
    lessons = module.published_lessons(can_see_drafts())
    ids = [r.id for r in lessons]
    pos = ids.index(ref.id)
    previous = lessons[pos - 1] if pos > 0 else None
    following = lessons[pos + 1] if pos + 1 < len(lessons) else None
    return previous, following


@bp.get("/modules/<module_id>/<lesson_id>")
def lesson(module_id: str, lesson_id: str):
    view = course_view()
    mod, ref = lesson_or_404(module_id, lesson_id)
    user = current_user._get_current_object()  # one lookup, not one per use
    # Opening a lesson changes neither what is done nor the progress shown,
    # so the status read first also tells record_open whether to write.
    status = progress.course_status(view, user, can_see_drafts())
    if status is not None:
        progress.record_open(user, ref, status)
    previous, following = _neighbours(mod, ref)
    return render_page("learn/lesson.html", {"view": view, "module": mod, "ref": ref, "lesson": ref.lesson,
                                             "previous": previous, "following": following},
                       {"status": status})


@bp.get("/modules/<module_id>/<lesson_id>/text")
def lesson_text(module_id: str, lesson_id: str):
    mod, ref = lesson_or_404(module_id, lesson_id)
    return render_template("learn/lesson_text.html", module=mod, ref=ref, lesson=ref.lesson)


@bp.get("/modules/<module_id>/<lesson_id>/download")
def lesson_download(module_id: str, lesson_id: str):
    mod, ref = lesson_or_404(module_id, lesson_id)
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
    view = course_view()
    mod, ref = lesson_or_404(module_id, lesson_id)
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
