"""Accounts: learners, instructors and administrators.

`User` is the ORM model. The signed-in account of a request (`current_user`)
is an `Account`: the same row read as a plain, read-only record, which costs
a fraction of an ORM object on every signed-in request. Code that changes an
account asks for its ORM object: `User.of(account)`.
"""
from collections import namedtuple
from datetime import datetime
from enum import StrEnum
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g
from flask_login import UserMixin
from sqlalchemy import Boolean, Integer, String, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow

class Role(StrEnum):
    """What an account may do. Stored as its value; compares equal to it."""

    LEARNER = "learner"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


#: The role names, in order (for command-line choices and form checks).
ROLES = tuple(role.value for role in Role)
#: The roles that may preview drafts, see quiz insight and author content.
STAFF_ROLES = (Role.INSTRUCTOR, Role.ADMIN)


@lru_cache(maxsize=4)
def _hasher_for(params: tuple) -> PasswordHasher:
    return PasswordHasher(**dict(params))


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("aula: no account has this password")


def _hasher() -> PasswordHasher:
    """argon2id with the library's defaults, or PASSWORD_HASH_PARAMS (tests make it cheap)."""
    return _hasher_for(tuple(sorted(current_app.config.get("PASSWORD_HASH_PARAMS", {}).items())))


class AccountRules:
    """What an account is and may do, read from its columns: the same for the
    ORM `User` and the read-only `Account`."""

    __slots__ = ()

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie."""
        return f"{self.id}:{self.session_version or 0}"

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated accounts cannot sign in
        return self.active

    @property
    def is_learner(self) -> bool:
        return self.role == Role.LEARNER

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def check_password(self, password: str) -> bool:
        try:
            return _hasher().verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


class User(AccountRules, UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.LEARNER.value)
    lang: Mapped[str] = mapped_column(String(2), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders_unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The SHA-256 (hex) of the calendar feed's secret token, never the token itself
    #: (the token is derived from SECRET_KEY and `calendar_salt`: reminders/calendar.py).
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    calendar_salt: Mapped[str | None] = mapped_column(String(32))
    #: Carried by unsubscribe links; changing it revokes every link emailed so far.
    link_nonce: Mapped[str] = mapped_column(String(32), default="", server_default="")
    course_completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Raised to end every session and remember-me cookie of the account at
    #: once (sign-out, password change or reset, deactivation): a session
    #: carries the version it began with and is refused when it differs.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: When the account was deleted: what remains is anonymous (statistics only).
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def end_sessions(self) -> None:
        """Every session and remember-me cookie of the account stops working (on every server)."""
        self.session_version = (self.session_version or 0) + 1

    def revoke_links(self) -> None:
        """Every unsubscribe link emailed to the account stops working."""
        import secrets

        self.link_nonce = secrets.token_hex(16)

    @classmethod
    def of(cls, account: "User | Account") -> "User":
        """The ORM object of an account, to change it. Given the request's
        signed-in `Account`, the request goes on with the ORM object as its
        `current_user`, so what the request changes, it also reads."""
        account = getattr(account, "_get_current_object", lambda: account)()  # `current_user` is a proxy
        if isinstance(account, cls):
            return account
        user = db.session.get(cls, account.id)
        if g.get("_login_user") is account:  # Flask-Login's current user of this request
            g._login_user = user
        return user

    def set_password(self, password: str) -> None:
        self.password_hash = _hasher().hash(password)

    @staticmethod
    def hash_dummy(password: str) -> None:
        """Hash a password for no account: registering an address that has an
        account costs the same time as creating one."""
        _hasher().hash(password)

    @staticmethod
    def verify_dummy(password: str) -> None:
        """Verify against a hash no account has: a sign-in for an unknown
        address costs the same time as a wrong password."""
        hasher = _hasher()
        try:
            hasher.verify(_dummy_hash(hasher), password)
        except (VerificationError, InvalidHashError):
            pass

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


_AccountRow = namedtuple("_AccountRow", [column.key for column in User.__table__.columns])


class Account(AccountRules, _AccountRow):
    """An account as read for one request: its columns, read-only, and the
    same rules as `User`. To change the account: `User.of(account)`."""

    __slots__ = ()

    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:  # as Flask-Login's UserMixin: an active account
        return self.is_active

    def __eq__(self, other):  # as UserMixin: the same account in the same session version
        if isinstance(other, AccountRules):
            return self.get_id() == other.get_id()
        return NotImplemented

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = object.__hash__

    def __setattr__(self, name, value):
        raise AttributeError(f"the signed-in account is read-only: change User.of(account).{name} instead")

    def __repr__(self) -> str:
        return f"<Account {self.id} {self.email} {self.role}>"


#: One account's row, by id: what every signed-in request reads (built once).
ACCOUNT_BY_ID = select(*User.__table__.columns).where(User.__table__.c.id == bindparam("id"))
