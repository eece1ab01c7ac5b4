"""The audit log: who exported what, who changed whose role or account."""
import getpass
import json

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent, User, utcnow

#: Each action, and how the audit page names it.
ACTIONS = {
    "export": _l("Completion records exported"),
    "role_change": _l("Role changed"),
    "deactivate": _l("Account deactivated"),
    "reactivate": _l("Account reactivated"),
}


def record(actor: User | None, action: str, **details) -> AuditEvent:
    """Write one entry and commit it. `actor` None means the command line
    (unless `source` says otherwise, e.g. "self" for a deleted account)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if actor is None:  # the command line, or (source "self") an account acting on itself
        details.setdefault("source", "cli")
        if details["source"] == "cli":
            details.setdefault("os_user", _os_user())
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else "",
        action=action,
        details=json.dumps(details, ensure_ascii=False, sort_keys=True),
        created_at=utcnow(),
    )
    db.session.add(event)
    db.session.commit()
    return event


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment
        return ""


def details_of(event: AuditEvent) -> dict:
    """The entry's details; a damaged JSON text reads as no details."""
    try:
        value = json.loads(event.details or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def events_query(action: str | None = None):
    """Newest first, optionally one kind of action."""
    stmt = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return stmt
