"""The personal parts of the course pages that are too small for a template of
their own (see course/pagecache.py)."""
from flask_babel import gettext as _
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
