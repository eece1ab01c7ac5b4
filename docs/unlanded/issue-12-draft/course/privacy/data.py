"""Everything stored about one learner, as one JSON document; and erasing it.

Deleting an account keeps an anonymous row in `users` (no name, no email,
no password, signed out for good) so that what remains for statistics
(quiz answers, lesson and module completion dates) keeps its shape without
naming anyone. Reflections, notes, feedback comments, reminder schedules and
deliveries are erased; the audit log no longer shows the address, and
records the deletion itself.
"""
import json
import secrets
from datetime import date, datetime

from sqlalchemy import delete, or_, select, update

from ..extensions import db
from ..models import (AuditEvent, LessonProgress, ModuleCompletion, ModuleFeedback, Note, QuizAttempt,
                      ReflectionAnswer, ReminderDelivery, ReminderSchedule, User, utcnow)

FORMAT = "aula-personal-data/1"
#: Columns never handed out: secrets, and what only the app's machinery reads.
HIDDEN = {"password_hash", "session_version", "calendar_token", "submission_token", "claimed_by", "claimed_at",
          "user_id", "attempt_id"}


def _value(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _row(obj) -> dict:
    return {c.key: _value(getattr(obj, c.key)) for c in obj.__table__.columns if c.key not in HIDDEN}


def _rows(model, user_id: int, order) -> list[dict]:
    return [_row(r) for r in db.session.scalars(select(model).where(model.user_id == user_id).order_by(*order))]


def _audit_about(user: User):
    """Audit entries the user made, or that name their account."""
    needle = f'"user_id": {user.id}'
    candidates = db.session.scalars(select(AuditEvent).where(or_(
        AuditEvent.actor_id == user.id, AuditEvent.details.contains(needle))).order_by(AuditEvent.id))
    for event in candidates:
        try:
            details = json.loads(event.details)
        except ValueError:
            details = {}
        if event.actor_id == user.id or (isinstance(details, dict) and details.get("user_id") == user.id):
            yield event, details


def personal_data(user: User) -> dict:
    """The whole document of `GET /<lang>/my/data.json` and `flask users export`."""
    attempts = []
    for attempt in db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user.id)
                                      .order_by(QuizAttempt.submitted_at, QuizAttempt.id)):
        entry = _row(attempt)
        entry["answers"] = []
        for answer in attempt.answers:
            item = _row(answer)
            try:
                item["response"] = json.loads(answer.response)
            except ValueError:
                pass
            entry["answers"].append(item)
        attempts.append(entry)
    return {
        "format": FORMAT,
        "exported_at": utcnow().isoformat(),
        "account": _row(user),
        "progress": {
            "lessons": _rows(LessonProgress, user.id, (LessonProgress.first_opened_at, LessonProgress.id)),
            "modules": _rows(ModuleCompletion, user.id, (ModuleCompletion.completed_at, ModuleCompletion.id)),
        },
        "reflections": _rows(ReflectionAnswer, user.id, (ReflectionAnswer.created_at, ReflectionAnswer.id)),
        "notes": _rows(Note, user.id, (Note.created_at, Note.id)),
        "quiz_attempts": attempts,
        "feedback": _rows(ModuleFeedback, user.id, (ModuleFeedback.created_at, ModuleFeedback.id)),
        "reminders": {
            "schedule": _rows(ReminderSchedule, user.id, (ReminderSchedule.weekday,)),
            "deliveries": _rows(ReminderDelivery, user.id, (ReminderDelivery.due_at, ReminderDelivery.id)),
        },
        "audit": [{"action": event.action, "at": _value(event.created_at), "by_you": event.actor_id == user.id,
                   "details": details} for event, details in _audit_about(user)],
    }


def personal_data_json(user: User) -> str:
    return json.dumps(personal_data(user), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def erase(user: User, source: str = "self", actor: User | None = None) -> None:
    """Delete the account as described above, in one transaction, then audit it."""
    from ..admin import audit

    address = user.email
    uid = user.id
    for model in (ReflectionAnswer, Note, ReminderSchedule, ReminderDelivery):
        db.session.execute(delete(model).where(model.user_id == uid))
    db.session.execute(update(ModuleFeedback).where(ModuleFeedback.user_id == uid).values(comment=""))
    for event, details in list(_audit_about(user)) + _mentioning(address):
        if event.actor_id == uid:
            event.actor_email = ""
        if isinstance(details, dict):
            details = {k: ("" if v == address else v) for k, v in details.items()}
            event.details = json.dumps(details, ensure_ascii=False, sort_keys=True)
    user.email = f"deleted-{secrets.token_hex(8)}@deleted.invalid"
    user.name = ""
    user.password_hash = "!deleted"
    user.active = False
    user.timezone = "UTC"
    user.email_confirmed_at = None
    user.calendar_token = None
    user.reminders_unsubscribed_at = utcnow()
    user.deleted_at = utcnow()
    user.end_sessions()
    db.session.flush()
    if source == "self":  # the learner, on the web: no actor to name any more
        db.session.add(AuditEvent(actor_id=None, actor_email="", action="account_deleted", created_at=utcnow(),
                                  details=json.dumps({"by": "self", "user_id": uid}, sort_keys=True)))
        db.session.commit()
    else:  # an administrator, on the command line
        audit.record(actor, "account_deleted", user_id=uid, by=source)


def _mentioning(address: str) -> list:
    found = []
    for event in db.session.scalars(select(AuditEvent).where(or_(AuditEvent.actor_email == address,
                                                                 AuditEvent.details.contains(address)))):
        try:
            details = json.loads(event.details)
        except ValueError:
            details = None
        if event.actor_email == address:
            event.actor_email = ""
        found.append((event, details))
    return found
