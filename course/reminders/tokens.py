"""Signed links: confirm an email address, unsubscribe from reminders.

Links are signed with SECRET_KEY (itsdangerous), each purpose with its own
salt so a token made for one cannot be used for the other. A confirmation
link names the address it confirms and expires; an unsubscribe link never
expires (it is in every reminder, however old).
"""
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

CONFIRM_SALT = "aula.reminders.confirm-email"
UNSUBSCRIBE_SALT = "aula.reminders.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # a week


class TokenExpired(Exception):
    """The link was valid but is too old."""


class TokenInvalid(Exception):
    """The link was not made by this site (or was changed)."""


def _timed(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def confirm_token(user) -> str:
    return _timed(CONFIRM_SALT).dumps({"u": user.id, "e": user.email})


def read_confirm_token(token: str, max_age: int = CONFIRM_MAX_AGE) -> tuple[int, str]:
    """(user id, email address) from a confirmation token."""
    try:
        data = _timed(CONFIRM_SALT).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenExpired() from exc
    except BadSignature as exc:
        raise TokenInvalid() from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("e"), str):
        raise TokenInvalid()
    return data["u"], data["e"]


def unsubscribe_token(user) -> str:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT).dumps(user.id)


def read_unsubscribe_token(token: str) -> int:
    try:
        user_id = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT).loads(token)
    except BadSignature as exc:
        raise TokenInvalid() from exc
    if not isinstance(user_id, int):
        raise TokenInvalid()
    return user_id
