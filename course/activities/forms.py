"""Forms of the activities and the messages for what is wrong with them.

The questions of a quiz and the prompts of a reflection come from the
course, so their fields are read by the service modules; these forms carry
the CSRF token (and the quiz's one-time submission token).
"""
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import ngettext
from ..forms import Form
from wtforms import HiddenField

from . import feedback, grading, notes, reflections, texts


class CsrfForm(Form):
    """A form whose fields are read elsewhere: only its CSRF token is checked here."""


class QuizForm(Form):
    submission_token = HiddenField()


def too_long_message(length: int | None = None) -> str:
    if length is None:
        return _("This text is too long: write at most %(max)s characters.",
                 max=format_decimal(texts.MAX_TEXT_LENGTH))
    return ngettext(
        "This text is too long by %(num)s character: write at most %(max)s characters. Your text is still here.",
        "This text is too long by %(num)s characters: write at most %(max)s characters. Your text is still here.",
        length - texts.MAX_TEXT_LENGTH, max=format_decimal(texts.MAX_TEXT_LENGTH))


def quiz_error(code: str, question, kept=None) -> str:
    if code == grading.MISSING:
        if question.type == "text":
            return _("Write an answer to this question.")
        if question.type == "multiple":
            return _("Choose at least one answer.")
        return _("Choose an answer.")
    if code == grading.UNKNOWN_OPTION:
        return _("That answer is not one of this question's options. Choose one from the list.")
    if code == grading.ONE_ONLY:
        return _("Choose only one answer.")
    if code == grading.TOO_LONG:
        return too_long_message(len(kept) if isinstance(kept, str) else None)
    return _("Check this answer.")


def reflection_error(code: str, text: str = "") -> str:
    if code == reflections.TOO_LONG:
        return too_long_message(len(texts.normalise(text)))
    return _("Check this answer.")


def note_error(code: str, text: str = "") -> str:
    if code == notes.TOO_LONG:
        return too_long_message(len(texts.normalise(text)))
    return _("Check your note.")


def feedback_error(code: str, text: str = "") -> str:
    if code == feedback.MISSING_RATING:
        return _("Choose a rating from 1 to 5.")
    if code == feedback.TOO_LONG:
        return too_long_message(len(texts.normalise(text)))
    return _("Check this field.")
