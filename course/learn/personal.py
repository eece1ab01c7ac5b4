"""The personal parts of the course pages that are too small for a template of
their own (see course/pagecache.py)."""
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..pagecache import filler


@filler("lesson_done_badge")
def lesson_done_badge(context, lesson_id: str) -> str:
    """' · Done' after a lesson the learner has completed (module page)."""
    status = context.get("status")
    if status is None or not status.lesson_done(lesson_id):
        return ""
    return Markup(' · <span class="badge done">{}</span>').format(escape(_("Done")))
