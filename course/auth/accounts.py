"""Creating and checking accounts: shared by the registration form and the CLI."""
from functools import lru_cache
from zoneinfo import available_timezones

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..i18n import LANGUAGES
from ..models import ROLES, Role, User, utcnow
from ..signals import account_created


class AccountError(ValueError):
    """A problem with what was given for an account, tied to one field."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


@lru_cache(maxsize=1)
def time_zones() -> tuple[str, ...]:
    """Every IANA time zone name, sorted, without the legacy aliases."""
    zones = {z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/"))}
    return tuple(sorted(zones | {"UTC"}))


def normalise_email(email: str) -> str:
    # Imported here, on the first address checked: a worker or command that checks none does not
    # pay for importing email-validator (about 40 ms of every start-up otherwise).
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise AccountError("email", _l("Enter a valid email address, such as name@example.com."))


def check_new_account(email: str, password: str, lang: str, timezone: str, role: str = Role.LEARNER,
                      name: str = "", check_taken: bool = True) -> str:
    """Check everything about a new account (whether the address is taken
    only when `check_taken`); return the normalised email."""
    address = normalise_email(email)
    check_password_strength(password, email=address, name=name)
    if lang not in LANGUAGES:
        raise AccountError("lang", _l("Choose one of the course languages."))
    if timezone not in time_zones():
        raise AccountError("timezone", _l("Choose a time zone from the list."))
    if role not in ROLES:
        raise AccountError("role", _l("Choose a role: learner, instructor or admin."))
    if check_taken and email_taken(address):
        raise AccountError("email", _l("An account with this email address already exists. Sign in instead?"))
    return address


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 passwords found most often in leaks, as zxcvbn ships them
    (only those long enough to pass the length rule matter)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p for p in FREQUENCY_LISTS["passwords"] if len(p) >= 8)


def _personal_words(email: str, name: str) -> list[tuple[str, str]]:
    """(what, word) pairs a password must not contain: the email's local part, the name and its words."""
    words = []
    local = email.split("@", 1)[0].lower() if email else ""
    if len(local) >= 3:
        words.append(("email", local))
    parts = (name or "").lower().split()
    for part in {"".join(parts), *parts}:
        if len(part) >= 3:
            words.append(("name", part))
    return words


def check_password_strength(password: str, *, email: str = "", name: str = "", user=None) -> None:
    """Refuse a password that is short, among the most common, or made of the
    account's own email or name (AccountError says which, translated)."""
    if user is not None:
        email, name = user.email, user.name
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise AccountError("password", _l("Use at least %(n)s characters for your password.", n=minimum))
    if len(password) > 256:
        raise AccountError("password", _l("Use at most 256 characters for your password."))
    folded = password.lower()
    if folded in common_passwords() or folded.strip() in common_passwords():
        raise AccountError("password", _l("This password is one of the most common ones, so it is easy to guess. "
                                          "Choose another."))
    squeezed = "".join(folded.split())
    for what, word in _personal_words(email, name):
        if word in folded or word in squeezed:
            if what == "email":
                raise AccountError("password", _l("Your password must not contain your email address."))
            raise AccountError("password", _l("Your password must not contain your name."))


def email_taken(address: str) -> bool:
    return db.session.scalar(select(func.count(User.id)).where(User.email == address)) > 0


def create_user(email: str, password: str, *, name: str = "", lang: str = "en", timezone: str = "UTC",
                role: str = Role.LEARNER, confirmed: bool = False) -> User:
    """Create an account, and what each area keeps for it (account_created), in one transaction."""
    address = check_new_account(email, password, lang, timezone, role, name=name)
    user = User(email=address, name=(name.strip() or address.split("@")[0])[:120], role=role, lang=lang, timezone=timezone)
    user.set_password(password)
    if confirmed:
        user.email_confirmed_at = utcnow()
    db.session.add(user)
    try:
        db.session.flush()
        account_created.send(user)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AccountError("email", _l("An account with this email address already exists. Sign in instead?"))
    return user


def find_by_email(email: str) -> User | None:
    try:
        address = normalise_email(email)
    except AccountError:
        return None
    return db.session.scalar(select(User).where(User.email == address))
