"""Changing an account's role or status: the rules, and their audit trail."""
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import ROLES, Role, User
from . import audit

ROLE_LABELS = {
    Role.LEARNER: _l("Learner"),
    Role.INSTRUCTOR: _l("Instructor"),
    Role.ADMIN: _l("Administrator"),
}


class AccountChangeError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def change_role(actor: User, user: User, role: str) -> bool:
    """Give `user` a new role. Returns False when it already had it."""
    if role not in ROLES:
        raise AccountChangeError(_l("Choose a role: learner, instructor or administrator."))
    if user.id == actor.id:
        raise AccountChangeError(_l("You cannot change your own role. Ask another administrator."))
    if user.role == role:
        return False
    old = user.role
    user.role = role
    db.session.flush()
    audit.record(actor, "role_change", user_id=user.id, email=user.email, **{"from": old, "to": role})
    return True


def set_active(actor: User, user: User, active: bool) -> bool:
    """Deactivate (or reactivate) an account. Returns False when nothing changed."""
    if user.id == actor.id:
        raise AccountChangeError(_l("You cannot deactivate your own account."))
    if user.active == active:
        return False
    user.active = active
    if not active:
        user.end_sessions()  # signed out at once, on every server
    db.session.flush()
    audit.record(actor, "reactivate" if active else "deactivate", user_id=user.id, email=user.email)
    return True
