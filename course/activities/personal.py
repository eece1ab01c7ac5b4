"""The personal parts of the activities' shared templates (see course/pagecache.py):
the notes box under a lesson and the way to a module's quiz are rendered
once per page, language and role, and only these holes are filled per request."""
from flask import request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..pagecache import filler
from .state import activity_state, quiz_history


@filler("note_text")
def note_text(context, lesson_id: str) -> str:
    """The learner's note on the lesson, for its text area."""
    return escape(activity_state(lesson_id).note)


@filler("saved_message")
def saved_message(context, kind: str) -> str:
    """"Saved" after a form without JavaScript came back with ?saved=<kind>."""
    if not request.query_string:  # most requests: no query string to parse into request.args
        return ""
    return escape(_("Saved")) if request.args.get("saved") == kind else ""


@filler("quiz_taken_choice")
def quiz_taken_choice(context, quiz_id: str, taken: str, first: str) -> str:
    """`taken` once the learner has submitted the quiz, else `first` (both shared)."""
    return taken if quiz_history(quiz_id).count else first


@filler("latest_results_link")
def latest_results_link(context, quiz_id: str) -> str:
    """The button to the learner's latest results of a quiz, once there are some."""
    latest = quiz_history(quiz_id).latest
    if latest is None:
        return ""
    return Markup('<a class="button secondary" href="{}">{}</a>').format(
        url_for("activities.attempt", quiz_id=quiz_id, attempt_id=latest.id), _("See your latest results"))
