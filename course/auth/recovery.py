"""Password recovery: the signed reset link and its email.

A reset link is signed with SECRET_KEY (itsdangerous, its own salt), is
valid for one hour and names the account and a fingerprint of its current
password hash and session version: once the password is set (or every
session ended), the fingerprint changes and the link no longer works, so
each link is usable once. Nothing is stored for a link.
"""
import hashlib
import logging
from email.message import Message
from email.utils import format_datetime

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .. import mail
from ..extensions import db
from ..mail import mime
from ..mail.compose import Origin, message, public_links
from ..mail.templating import render
from ..models import User, utcnow

log = logging.getLogger(__name__)

RESET_SALT = "aula.auth.password-reset"
RESET_MAX_AGE = 3600  # an hour


class LinkExpired(Exception):
    """The link was made here but is more than an hour old."""


class LinkUsed(Exception):
    """The link was made here, but the password has been set since (or the account is gone)."""


class LinkInvalid(Exception):
    """The link was not made by this site (or was changed)."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.password_hash}\0{user.session_version}".encode()).hexdigest()[:24]


def reset_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_reset(token: str, max_age: int = RESET_MAX_AGE) -> User:
    """The account a reset link is for; LinkExpired, LinkUsed or LinkInvalid otherwise."""
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise LinkExpired() from exc
    except BadSignature as exc:
        raise LinkInvalid() from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("f"), str):
        raise LinkInvalid()
    user = db.session.get(User, data["u"]) if 0 < data["u"] < 2**63 else None
    if user is None or not user.active or user.deleted_at is not None or data["f"] != _fingerprint(user):
        raise LinkUsed()
    return user


def _send(user: User, template: str, subject, **context) -> bool:
    """Render auth/email/<template>.txt and .html in the user's language and send it now."""
    try:
        with public_links(user.lang):
            context = {"user": user, **{k: v() if callable(v) else v for k, v in context.items()}}
            subject_text = str(subject)  # a lazy string, in the user's language here
            email: Message = message(
                user, mime.encode_header("Subject", subject_text),
                render(f"auth/email/{template}.txt", user.lang, **context),
                render(f"auth/email/{template}.html", user.lang, subject=subject_text, **context),
                format_datetime(utcnow()), Origin.configured())
        mail.send(email)
    except (mail.MailError, mail.ConfigError) as exc:
        log.warning("auth: %s email to user %s not sent: %s", template, user.id, exc)
        return False
    return True


def send_reset_link(user: User) -> bool:
    """Email the account's owner a link to set a new password (valid one hour)."""
    return _send(user, "reset", _l("Set a new password for Aula"),
                 reset_url=lambda: url_for("auth.reset_password", lang=user.lang, token=reset_token(user),
                                           _external=True),
                 forgot_url=lambda: url_for("auth.forgot_password", lang=user.lang, _external=True))


def send_registration_attempt(user: User) -> bool:
    """Tell the owner of an address that someone tried to register it again."""
    return _send(user, "registered_again", _l("Someone tried to create an Aula account with your address"),
                 login_url=lambda: url_for("auth.login", lang=user.lang, _external=True),
                 forgot_url=lambda: url_for("auth.forgot_password", lang=user.lang, _external=True))
