"""The activities' blueprint, its shared helpers, and the reflection and
notes pages (lesson forms, autosave endpoints, "My reflections", "My notes")."""
from flask import Blueprint, Response, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import login_required
from ..learn.lookup import course_view, lesson_or_404
from ..web import is_safe_next
from . import completion, notes, reflections, texts
from .forms import CsrfForm, note_error, reflection_error

bp = Blueprint("activities", __name__, url_prefix="/<lang>", template_folder="templates",
               static_folder="static", static_url_path="/activities/static")


# --- shared helpers -------------------------------------------------------------

def json_error(message: str, status: int, **extra):
    return jsonify(ok=False, message=message, **extra), status


def _json_body() -> dict:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def _download(body: str, filename: str) -> Response:
    return Response(body, mimetype="text/markdown", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
    })


# --- reflections ---------------------------------------------------------------

def _reflection_or_404(ref, exercise_id: str):
    block = next((b for b in ref.lesson.blocks if b.type == "reflection" and b.id == exercise_id), None)
    if block is None:
        abort(404)
    return block


@bp.route("/modules/<module_id>/<lesson_id>/reflections/<exercise_id>", methods=["GET", "POST"])
@login_required
def reflection(module_id: str, lesson_id: str, exercise_id: str):
    module, ref = lesson_or_404(module_id, lesson_id)
    view = course_view()
    block = _reflection_or_404(ref, exercise_id)
    if request.method == "POST" and request.is_json:
        return _save_reflection_json(view, ref, block)
    errors, sent = {}, {}
    if request.method == "POST":
        if not CsrfForm().validate_on_submit():
            abort(400)
        sent = {p.id: request.form[f"p-{p.id}"] for p in block.prompts if f"p-{p.id}" in request.form}
        problems = reflections.save_answers(current_user.id, ref, block, sent)
        completion.refresh_lesson(current_user, view, ref)
        if not problems:
            flash(_("Your answers have been saved."), "success")
            target = request.form.get("next")
            if is_safe_next(target):
                return redirect(target)
            return redirect(url_for("learn.lesson", module_id=module.id, lesson_id=ref.id, saved=block.id)
                            + f"#b-{block.id}")
        errors = {pid: reflection_error(code, sent[pid]) for pid, code in problems.items()}
    saved = reflections.answers_for_lesson(current_user.id, ref.id)
    values = {p.id: saved[(block.id, p.id)].text for p in block.prompts if (block.id, p.id) in saved}
    values.update({pid: sent[pid] for pid in errors})  # what was typed, even when it was not saved
    answered = {key for key, row in saved.items() if not texts.is_blank(row.text)}
    missing = reflections.missing_prompts(block, answered) if any(k[0] == block.id for k in answered) else []
    return render_template("activities/reflection.html", view=view, module=module, ref=ref, block=block,
                           values=values, errors=errors, missing=missing,
                           done=completion.activity_done(block, answered, set())), 422 if errors else 200


def _save_reflection_json(view, ref, block):
    answers = _json_body().get("answers")
    if not isinstance(answers, dict) or not answers:
        return json_error(_("Nothing to save."), 400)
    try:
        problems = reflections.save_answers(current_user.id, ref, block, answers)
    except reflections.UnknownPrompt:
        return json_error(_("This exercise has no such question. Reload the page and try again."), 400)
    completion.refresh_lesson(current_user, view, ref)
    answered = reflections.answered_prompts(current_user.id, ref.id)
    body = {
        "saved": [pid for pid in answers if pid not in problems],
        "errors": {pid: reflection_error(code, answers[pid]) for pid, code in problems.items()},
        "missing": reflections.missing_prompts(block, answered),
        "done": completion.activity_done(block, answered, set()),
    }
    if problems:
        return json_error(next(iter(body["errors"].values())), 422, **body)
    return jsonify(ok=True, message=_("Saved"), **body)


@bp.get("/my/reflections")
@login_required
def my_reflections():
    view = course_view()
    groups = reflections.list_answers(current_user.id, view)
    return render_template("activities/my_reflections.html", view=view, groups=groups)


def _reflection_labels() -> dict:
    return {"title": _("My reflections"), "no_answer": _("No answer yet."),
            "empty": _("You have not written any reflections yet.")}


@bp.get("/my/reflections.md")
@login_required
def my_reflections_markdown():
    groups = reflections.list_answers(current_user.id, course_view())
    return _download(reflections.answers_markdown(groups, _reflection_labels()), f"my-reflections-{g.lang}.md")


@bp.get("/my/reflections/print")
@login_required
def my_reflections_print():
    view = course_view()
    groups = reflections.list_answers(current_user.id, view)
    response = Response(render_template("activities/reflections_print.html", view=view, groups=groups))
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- notes ---------------------------------------------------------------------

@bp.route("/modules/<module_id>/<lesson_id>/notes", methods=["GET", "POST"])
@login_required
def note(module_id: str, lesson_id: str):
    module, ref = lesson_or_404(module_id, lesson_id)
    view = course_view()
    if request.method == "POST" and request.is_json:
        text = _json_body().get("text")
        if not isinstance(text, str):
            return json_error(_("Nothing to save."), 400)
        problem = notes.save_note(current_user.id, ref, text)
        if problem:
            return json_error(note_error(problem, text), 422)
        return jsonify(ok=True, message=_("Saved"))
    error = None
    saved = notes.get_note(current_user.id, ref.id)
    text = saved.text if saved else ""
    if request.method == "POST":
        if not CsrfForm().validate_on_submit():
            abort(400)
        text = request.form.get("text", "")
        problem = notes.save_note(current_user.id, ref, text)
        if not problem:
            flash(_("Your note has been saved."), "success")
            target = request.form.get("next")
            if is_safe_next(target):
                return redirect(target)
            return redirect(url_for("learn.lesson", module_id=module.id, lesson_id=ref.id, saved="notes") + "#notes")
        error = note_error(problem, text)
    return render_template("activities/note.html", view=view, module=module, ref=ref, text=text,
                           error=error), 422 if error else 200


@bp.get("/my/notes")
@login_required
def my_notes():
    view = course_view()
    return render_template("activities/my_notes.html", view=view, groups=notes.list_notes(current_user.id, view))


@bp.get("/my/notes.md")
@login_required
def my_notes_markdown():
    groups = notes.list_notes(current_user.id, course_view())
    labels = {"title": _("My notes"), "empty": _("You have not written any notes yet.")}
    return _download(notes.notes_markdown(groups, labels), f"my-notes-{g.lang}.md")
