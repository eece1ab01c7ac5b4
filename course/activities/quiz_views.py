"""Quiz pages: taking a quiz, its results and history, self-assessment."""
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import login_required
from ..learn.lookup import can_see_drafts, course_view, module_or_404
from . import completion, grading, quizzes
from .forms import CsrfForm, QuizForm, quiz_error
from .views import bp


def _quiz_or_404(quiz_id: str):
    """(view, quiz, module) for a quiz the current user may take."""
    view = course_view()
    found = view.quiz(quiz_id)
    if found is None:
        abort(404)
    quiz, module_id = found
    module = view.module(module_id)
    lessons = completion.lessons_with_quiz(view, quiz_id)
    if (quiz_id != module.final_quiz.id and lessons and not can_see_drafts()
            and all(ref.lesson.is_draft for ref in lessons)):
        abort(404)
    return view, quiz, module


def _attempt_or_404(quiz_id: str, attempt_id: int):
    """(view, quiz, module, attempt) for one of the current learner's own attempts;
    anyone else's is a 404."""
    view, quiz, module = _quiz_or_404(quiz_id)
    found = quizzes.get_attempt(current_user.id, quiz_id, attempt_id)
    if found is None:
        abort(404)
    return view, quiz, module, found


def way_back(view, quiz, module) -> tuple[str, str]:
    """Where the quiz lives: its lesson, or the module page for the final quiz."""
    if quiz.id != module.final_quiz.id:
        for ref in completion.lessons_with_quiz(view, quiz.id):
            if not ref.lesson.is_draft or can_see_drafts():
                block = next(b for b in ref.lesson.blocks if b.type == "quiz" and b.quiz == quiz.id)
                url = url_for("learn.lesson", module_id=ref.module_id, lesson_id=ref.id) + f"#b-{block.id}"
                return url, _("Back to the lesson: %(title)s", title=ref.lesson.title)
    return url_for("learn.module", module_id=module.id) + "#quiz-heading", \
        _("Back to the module: %(title)s", title=module.module.title)


def quiz_url(quiz, module) -> str:
    if quiz.id == module.final_quiz.id:
        return url_for("activities.final_quiz", module_id=module.id)
    return url_for("activities.quiz", quiz_id=quiz.id)


@bp.route("/modules/<module_id>/quiz", methods=["GET", "POST"])
@login_required
def final_quiz(module_id: str):
    module = module_or_404(module_id)
    return _take(course_view(), module.final_quiz, module)


@bp.route("/quizzes/<quiz_id>", methods=["GET", "POST"])
@login_required
def quiz(quiz_id: str):
    view, found, module = _quiz_or_404(quiz_id)
    return _take(view, found, module)


def _take(view, quiz, module):
    form = QuizForm()
    kept, errors, notice, status = {}, {}, None, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        token = form.submission_token.data
        parsed = grading.parse_responses(quiz, request.form)
        if not quizzes.valid_token(token):
            token, status = quizzes.new_token(), 422
            kept = parsed.kept
            notice = _("This quiz form could not be read. Check your answers and submit it again.")
        else:
            earlier = quizzes.attempt_by_token(current_user.id, token)
            if earlier is not None:  # the same form sent twice (a double click)
                return redirect(url_for("activities.attempt", quiz_id=quiz.id, attempt_id=earlier.id))
            if parsed.errors:
                kept, status = parsed.kept, 422
                errors = {qid: quiz_error(code, next(q for q in quiz.questions if q.id == qid), parsed.kept.get(qid))
                          for qid, code in parsed.errors.items()}
                notice = _("Some questions need your attention. Your other answers are kept.")
            else:
                attempt, created = quizzes.record_attempt(current_user.id, quiz, module.id, g.lang, token,
                                                          parsed.responses)
                if created:
                    completion.after_quiz(current_user, view, quiz.id, module.id)
                return redirect(url_for("activities.attempt", quiz_id=quiz.id, attempt_id=attempt.id))
    else:
        token = quizzes.new_token()
    form.submission_token.data = token
    back_url, back_label = way_back(view, quiz, module)
    return render_template("activities/quiz.html", view=view, quiz=quiz, module=module, form=form,
                           action=quiz_url(quiz, module), kept=kept, errors=errors, notice=notice,
                           history=quizzes.history(current_user.id, quiz.id),
                           is_final=quiz.id == module.final_quiz.id,
                           back_url=back_url, back_label=back_label), status


@bp.get("/quizzes/<quiz_id>/attempts/<int(max=2147483647):attempt_id>")
@login_required
def attempt(quiz_id: str, attempt_id: int):
    view, quiz, module, found = _attempt_or_404(quiz_id, attempt_id)
    history = quizzes.history(current_user.id, quiz_id)
    back_url, back_label = way_back(view, quiz, module)
    return render_template("activities/attempt.html", view=view, quiz=quiz, module=module, attempt=found,
                           items=quizzes.review(quiz, found), history=history,
                           number=history.number_of(found.id),
                           is_final=quiz.id == module.final_quiz.id, retry_url=quiz_url(quiz, module),
                           back_url=back_url, back_label=back_label, form=CsrfForm())


@bp.post("/quizzes/<quiz_id>/attempts/<int(max=2147483647):attempt_id>/verdict")
@login_required
def verdict(quiz_id: str, attempt_id: int):
    view, quiz, module, found = _attempt_or_404(quiz_id, attempt_id)
    if not CsrfForm().validate_on_submit() or request.form.get("verdict") not in ("right", "wrong"):
        abort(400)
    question_id = request.form.get("question_id", "")
    if quizzes.set_verdict(found, question_id, request.form["verdict"] == "right", quiz.pass_mark):
        completion.after_quiz(current_user, view, quiz.id, module.id)
        flash(_("Thank you: your score has been updated."), "success")
    known = any(q.id == question_id for q in quiz.questions)  # the anchor never echoes what was sent
    return redirect(url_for("activities.attempt", quiz_id=quiz.id, attempt_id=found.id,
                            _anchor=f"q-{question_id}" if known else None))
