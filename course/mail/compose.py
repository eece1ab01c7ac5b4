"""Composing an email: who sends it, public links, the message itself.

Each email is rendered inside `public_links(lang)`: a request context built
on BASE_URL, so every link points at the public site whatever request (or
none) is running, and gettext speaking the recipient's language. A batch
renders inside one `public_site()` context (building a request context
costs more than the rest of an email's links).
"""
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from email.utils import make_msgid, parseaddr
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request
from flask_babel import force_locale

from . import mime

_PUBLIC = "aula.public_links"


def site_host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def sender() -> str:
    return current_app.config.get("MAIL_FROM") or f"Aula <no-reply@{site_host()}>"


@dataclass(frozen=True)
class Origin:
    """Who sends: the From header, SMTP's MAIL FROM (None if MAIL_FROM has no
    readable address) and the host of the Message-IDs. Read from the
    configuration once per batch of emails."""

    sender: str
    envelope_from: str | None
    host: str

    @classmethod
    def configured(cls) -> "Origin":
        from_header = sender()
        return cls(from_header, parseaddr(from_header)[1] or None, site_host())


@contextmanager
def public_site():
    """A request context on BASE_URL: url_for(..., _external=True) gives public addresses."""
    if has_request_context() and request.environ.get(_PUBLIC):
        yield
        return
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"],
                                          environ_overrides={_PUBLIC: True}):
        yield


@contextmanager
def public_links(lang: str):
    """Public addresses (see public_site), and gettext speaking `lang`."""
    with public_site(), force_locale(lang):
        yield


def message(user, subject: str, text: str, html: str, date: str, origin: Origin, **headers: str) -> Message:
    """The email to `user` (name, email, lang); `subject` as mime.encode_header gives it, `date` as
    email.utils.format_datetime does."""
    return mime.build(subject=subject, sender=origin.sender, to=mime.address(user.name, user.email), text=text,
                      html=html, envelope_from=origin.envelope_from, recipients=(user.email,), headers={
                          "Date": date,
                          "Message-ID": make_msgid("aula", domain=origin.host),
                          "Auto-Submitted": "auto-generated",
                          "Content-Language": user.lang,
                          **headers,
                      })
