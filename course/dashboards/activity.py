"""Study days: every flush that records learning activity notes the day, in
the learner's own time zone, in study_days (one row per learner and day)."""
from datetime import timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..database import insert_ignoring_duplicates
from ..models import LessonProgress, Note, QuizAttempt, ReflectionAnswer, StudyDay, User
from ..models.types import utcnow

#: What counts as studying: opening or completing a lesson, submitting a
#: quiz, writing a reflection or a note.
ACTIVITY = (LessonProgress, QuizAttempt, ReflectionAnswer, Note)


def _zone(name: str | None):
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def local_day(zone_name: str | None, moment=None):
    """The date it is (or was at `moment`) in a time zone."""
    return (moment or utcnow()).astimezone(_zone(zone_name)).date()


def _after_flush(session: Session, _flush_context) -> None:
    if not has_app_context():
        return
    users = {obj.user_id for obj in session.new if isinstance(obj, ACTIVITY)}
    users |= {obj.user_id for obj in session.dirty if isinstance(obj, ACTIVITY) and session.is_modified(obj)}
    users.discard(None)
    if not users:
        return
    connection = session.connection()
    zones = dict(connection.execute(select(User.id, User.timezone).where(User.id.in_(users))).all())
    now = utcnow()
    rows = [{"user_id": uid, "day": local_day(zone, now)} for uid, zone in zones.items()]
    insert_ignoring_duplicates(connection, StudyDay, rows, ["user_id", "day"])


def listen(session_class) -> None:
    if not event.contains(session_class, "after_flush", _after_flush):
        event.listen(session_class, "after_flush", _after_flush)
