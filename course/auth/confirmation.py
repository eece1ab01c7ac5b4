"""Confirming an email address: the signed link, the email that carries it,
and sending it.

A confirmation link is signed with SECRET_KEY (itsdangerous), names the
address it confirms and expires after a week. The web registration sends
it; an account created on the command line is confirmed already. Other
areas read `User.email_confirmed_at` (reminders go only to a confirmed
address) and may link to `auth.resend_confirmation`.
"""
import logging
from datetime import datetime
from email.message import Message
from email.utils import format_datetime

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .. import mail
from ..mail import mime
from ..mail.compose import Origin, message, public_links
from ..mail.templating import render
from ..models import User, utcnow

log = logging.getLogger(__name__)

#: The salt keeps its first name, so that links already emailed stay valid.
CONFIRM_SALT = "aula.reminders.confirm-email"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # a week


class TokenExpired(Exception):
    """The link was valid but is too old."""


class TokenInvalid(Exception):
    """The link was not made by this site (or was changed)."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT)


def confirm_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "e": user.email})


def read_confirm_token(token: str, max_age: int = CONFIRM_MAX_AGE) -> tuple[int, str]:
    """(user id, email address) from a confirmation token."""
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenExpired() from exc
    except BadSignature as exc:
        raise TokenInvalid() from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("e"), str):
        raise TokenInvalid()
    return data["u"], data["e"]


def confirmation_message(user: User, now: datetime) -> Message:
    """The email with the signed link that confirms the user's address, in their language."""
    with public_links(user.lang):
        context = dict(
            user=user,
            confirm_url=url_for("auth.confirm_email", lang=user.lang, token=confirm_token(user), _external=True),
            profile_url=url_for("auth.profile", lang=user.lang, _external=True),
        )
        subject = _("Confirm your email address for Aula")
        text = render("auth/email/confirm.txt", user.lang, **context)
        html = render("auth/email/confirm.html", user.lang, subject=subject, **context)
        return message(user, mime.encode_header("Subject", subject), text, html, format_datetime(now),
                       Origin.configured())


def send_confirmation(user: User) -> bool:
    """Send the confirmation link now; False (and a log line) if the mail server failed."""
    try:
        mail.send(confirmation_message(user, utcnow()))
    except (mail.MailError, mail.ConfigError) as exc:
        log.warning("auth: confirmation email to user %s not sent: %s", user.id, exc)
        return False
    return True
