"""The personal parts of the activities' shared templates (see course/pagecache.py):
the notes box under a lesson is rendered once per lesson, language and role,
and only these holes are filled per request."""
from flask import request
from flask_babel import gettext as _
from markupsafe import escape

from ..pagecache import filler
from .state import activity_state


@filler("note_text")
def note_text(context, lesson_id: str) -> str:
    """The learner's note on the lesson, for its text area."""
    return escape(activity_state(lesson_id).note)


@filler("saved_message")
def saved_message(context, kind: str) -> str:
    """"Saved" after a form without JavaScript came back with ?saved=<kind>."""
    return escape(_("Saved")) if request.args.get("saved") == kind else ""
