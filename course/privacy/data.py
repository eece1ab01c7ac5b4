"""Everything stored about one account, as one JSON document; and erasing it.

Deleting an account keeps an anonymous row in `users` (no name, no address,
no password, signed out for good) so that what remains for statistics (quiz
scores and choices, lesson and module completion dates) keeps its shape
without naming anyone. Reflections, notes, free-text quiz answers, feedback
comments, reminder schedules and deliveries and the certificate are erased;
the audit log no longer shows the address, and records the deletion itself.
"""
import json
import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update

from ..extensions import db
from ..models import (AuditEvent, Certificate, LessonProgress, ModuleCompletion, ModuleFeedback, Note, QuizAnswer,
                      QuizAttempt, ReflectionAnswer, ReminderDelivery, ReminderSchedule, Role, StudyDay, User,
                      XapiStatement, utcnow)

FORMAT = "aula-personal-data/1"
#: Columns never handed out: secrets, and what only the app's own machinery reads.
HIDDEN = frozenset({"password_hash", "session_version", "calendar_token", "calendar_salt", "link_nonce",
                    "submission_token", "claimed_by",
                    "claimed_at", "user_id", "attempt_id", "deleted_at"})
#: Every table with a `user_id`, and what `personal_data` and `erase` do with it.
#: (tests/test_privacy.py checks that no table of the schema is missing here.)
USER_TABLES = {
    "lesson_progress": "kept for statistics",
    "module_completions": "kept for statistics",
    "quiz_attempts": "kept for statistics (free-text answers erased)",
    "module_feedback": "rating kept, comment erased",
    "reflection_answers": "erased",
    "notes": "erased",
    "reminder_schedules": "erased",
    "reminder_deliveries": "erased",
    "certificates": "erased",
    "study_days": "kept for statistics (which days, no content)",
    "xapi_statements": "kept: pseudonymous (the learner's number, never name or address), sent to the LRS",
}
#: Detail keys of audit entries that name an account by id or by address.
AUDIT_ID_KEYS = ("user_id", "learner_id")


def _value(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _row(obj, table=None) -> dict:
    """A row's columns (`table`'s: an `Account` has no `__table__` of its own)."""
    return {c.key: _value(getattr(obj, c.key)) for c in (table if table is not None else obj.__table__).columns
            if c.key not in HIDDEN}


def _rows(model, user_id: int, *order) -> list[dict]:
    return [_row(r) for r in db.session.scalars(select(model).where(model.user_id == user_id).order_by(*order))]


def _details(event: AuditEvent):
    try:
        details = json.loads(event.details or "{}")
    except ValueError:
        return {}
    return details if isinstance(details, dict) else {}


def _audit_about(user_id: int, address: str) -> list[tuple[AuditEvent, dict]]:
    """Audit entries the account made, or that name it (by id or by address)."""
    needles = [AuditEvent.details.contains(f'"{key}": {user_id}') for key in AUDIT_ID_KEYS]
    candidates = db.session.scalars(select(AuditEvent).where(or_(
        AuditEvent.actor_id == user_id, AuditEvent.actor_email == address,
        AuditEvent.details.contains(json.dumps(address)), *needles)).order_by(AuditEvent.id))
    found = []
    for event in candidates:
        details = _details(event)
        if (event.actor_id == user_id or event.actor_email == address or address in details.values()
                or any(details.get(key) == user_id for key in AUDIT_ID_KEYS)):
            found.append((event, details))
    return found


def _attempts(user_id: int) -> list[dict]:
    attempts = []
    for attempt in db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user_id)
                                      .order_by(QuizAttempt.submitted_at, QuizAttempt.id)):
        entry = _row(attempt)
        entry["answers"] = []
        for answer in attempt.answers:
            item = _row(answer)
            try:
                item["response"] = json.loads(answer.response)
            except ValueError:
                pass  # kept as the text it is
            entry["answers"].append(item)
        attempts.append(entry)
    return attempts


def personal_data(user: User) -> dict:
    """The whole document of `GET /<lang>/my/data.json` and `flask users export`."""
    uid = user.id
    account = _row(user, User.__table__)
    account["calendar_feed"] = bool(user.calendar_token)
    return {
        "format": FORMAT,
        "exported_at": utcnow().isoformat(),
        "account": account,
        "progress": {
            "lessons": _rows(LessonProgress, uid, LessonProgress.first_opened_at, LessonProgress.id),
            "modules": _rows(ModuleCompletion, uid, ModuleCompletion.completed_at, ModuleCompletion.id),
        },
        "reflections": _rows(ReflectionAnswer, uid, ReflectionAnswer.created_at, ReflectionAnswer.id),
        "notes": _rows(Note, uid, Note.created_at, Note.id),
        "quiz_attempts": _attempts(uid),
        "feedback": _rows(ModuleFeedback, uid, ModuleFeedback.created_at, ModuleFeedback.id),
        "reminders": {
            "schedule": _rows(ReminderSchedule, uid, ReminderSchedule.weekday),
            "deliveries": _rows(ReminderDelivery, uid, ReminderDelivery.due_at, ReminderDelivery.id),
        },
        "certificates": _rows(Certificate, uid, Certificate.issued_at),
        "study_days": [_value(day) for day in db.session.scalars(
            select(StudyDay.day).where(StudyDay.user_id == uid).order_by(StudyDay.day))],
        "learning_records": _rows(XapiStatement, uid, XapiStatement.id),
        "audit": [{"action": event.action, "at": _value(event.created_at), "by_you": event.actor_id == uid,
                   "details": details} for event, details in _audit_about(uid, user.email)],
    }


def personal_data_json(user: User) -> str:
    return json.dumps(personal_data(user), ensure_ascii=False, indent=2) + "\n"


def _erase_free_text(user_id: int) -> None:
    """Free-text quiz answers are the learner's own words: blanked; chosen options are kept."""
    attempts = select(QuizAttempt.id).where(QuizAttempt.user_id == user_id).scalar_subquery()
    for answer in db.session.scalars(select(QuizAnswer).where(QuizAnswer.attempt_id.in_(attempts))):
        try:
            response = json.loads(answer.response)
        except ValueError:
            response = None
        if not isinstance(response, list):
            answer.response = json.dumps("")


def _scrub_audit(user_id: int, address: str) -> None:
    """The audit log keeps its entries about the account, without its address."""
    for event, details in _audit_about(user_id, address):
        if event.actor_email == address:
            event.actor_email = ""
        if address in details.values():
            event.details = json.dumps({k: ("" if v == address else v) for k, v in details.items()},
                                       ensure_ascii=False, sort_keys=True)


def erase(user: User) -> None:
    """Delete the account as described above, in the session's transaction (the caller commits).

    The session's own user object keeps working for the rest of the request,
    with the anonymous values.
    """
    from ..auth import throttle

    uid, address = user.id, user.email
    for model in (ReflectionAnswer, Note, ReminderSchedule, ReminderDelivery, Certificate):
        db.session.execute(delete(model).where(model.user_id == uid))
    db.session.execute(update(ModuleFeedback).where(ModuleFeedback.user_id == uid).values(comment=""))
    _erase_free_text(uid)
    _scrub_audit(uid, address)
    limits = throttle.rules()
    for rule in (limits["login-account"], limits["email-address"]):
        throttle.forget(rule, address, commit=False)
    now = utcnow()
    user.email = f"deleted-{secrets.token_hex(8)}@deleted.invalid"
    user.name = ""
    user.password_hash = "!deleted"  # no password ever matches it
    user.active = False
    user.email_confirmed_at = None
    user.calendar_token = user.calendar_salt = None
    user.revoke_links()
    user.reminders_unsubscribed_at = now
    user.deleted_at = now
    user.end_sessions()
    db.session.flush()


def deletion_refused(user: User):
    """Why this account cannot delete itself (a translated message), or None."""
    if user.role == Role.ADMIN:
        admins = db.session.scalar(select(func.count(User.id)).where(
            User.role == Role.ADMIN, User.active.is_(True), User.deleted_at.is_(None), User.id != user.id))
        if not admins:
            return _l("You are the only administrator. Make another account an administrator first, so that "
                      "someone can still run Aula.")
    return None
