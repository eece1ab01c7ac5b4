"""The personal parts of the course pages that are too small for a template of
their own (see course/pagecache.py)."""
from functools import lru_cache

from babel.numbers import format_percent as babel_format_percent
from flask import url_for
from flask_babel import get_locale, gettext as _
from markupsafe import Markup, escape

from ..pagecache import filler


def _done(context, lesson_id: str) -> bool:
    status = context.get("status")
    return status is not None and status.lesson_done(lesson_id)


@filler("lesson_done_class")
def lesson_done_class(context, lesson_id: str) -> str:
    """' class="done"' on a completed lesson's list item (module page)."""
    return Markup(' class="done"') if _done(context, lesson_id) else ""


@filler("lesson_done_badge")
def lesson_done_badge(context, lesson_id: str) -> str:
    """' · Done' after a lesson the learner has completed (module page)."""
    if not _done(context, lesson_id):
        return ""
    return Markup(' · <span class="badge done">{}</span>').format(escape(_("Done")))


@filler("lesson_done_lead")
def lesson_done_lead(context, lesson_id: str) -> str:
    """'Done ' before the explanation of a lesson completed by its activities (lesson page)."""
    if not _done(context, lesson_id):
        return ""
    return Markup('<span class="badge done">{}</span> ').format(escape(_("Done")))


@lru_cache(maxsize=4096)
def _percent_in(locale, fraction: float) -> str:
    return escape(babel_format_percent(fraction, locale=locale))


def percent_text(fraction: float) -> str:
    """flask_babel.format_percent(fraction), kept per language and value:
    Babel parses the locale's pattern on every call, and a page shows a
    handful of fractions out of a few hundred possible ones."""
    return _percent_in(get_locale(), fraction)


@filler("lesson_done_choice")
def lesson_done_choice(context, lesson_id: str, done: str, todo: str) -> str:
    """One of two shared pieces of a page: `done` once the learner has completed the lesson, else `todo`."""
    return done if _done(context, lesson_id) else todo


def _module_fraction(context, module_id: str) -> float:
    return context["status"].modules[module_id].fraction


@filler("module_percent")
def module_percent(context, module_id: str) -> str:
    """The learner's progress in a module as a whole percentage, for a progress bar's value."""
    return str(round(_module_fraction(context, module_id) * 100))


@filler("module_percent_text")
def module_percent_text(context, module_id: str) -> str:
    """The same progress as text, in the reader's language ("50 %")."""
    return percent_text(_module_fraction(context, module_id))


@filler("module_completed_badge")
def module_completed_badge(context, module_id: str) -> str:
    """'Completed' under a module card the learner has completed (course home)."""
    if not context["status"].modules[module_id].complete:
        return ""
    return Markup('<p class="badge done">{}</p>').format(escape(_("Completed")))


@filler("course_percent")
def course_percent(context) -> str:
    """The learner's progress through the course as a whole percentage."""
    return str(round(context["status"].fraction * 100))


@filler("course_percent_text")
def course_percent_text(context) -> str:
    return percent_text(context["status"].fraction)


@filler("module_quiz_status")
def module_quiz_status(context, module_id: str) -> str:
    """"Passed" and the learner's best score in a module's quiz (module page)."""
    status = context.get("status")
    if status is None:
        return ""
    result = status.modules[module_id]
    parts = []
    if result.quiz_passed:
        parts.append(Markup('<p class="badge done">{}</p>').format(_("Passed")))
    if result.best_score is not None:
        parts.append(Markup("<p>{}</p>").format(
            _("Your best score: %(score)s", score=percent_text(result.best_score / 100))))
    return Markup("\n").join(parts)


@filler("course_next")
def course_next(context, completed: str) -> str:
    """The course home's next step: `completed` (shared: well done, the
    certificate) once the course is complete, else the way on to the lesson
    to resume (or to the first one)."""
    status = context["status"]
    if status.complete:
        return completed
    lesson = status.resume
    if lesson is None:
        return ""
    words = _("Continue where you left off") if status.started else _("Start the course")
    return Markup('<p><a class="button" href="{}">{}: {}</a></p>').format(
        url_for("learn.lesson", module_id=lesson.module_id, lesson_id=lesson.id), words, lesson.lesson.title)
