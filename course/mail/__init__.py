"""Email for every area: composing (`compose`: the sender, public links,
a message in the recipient's language), templates with one Jinja
environment per language (`templating`), the hand-built MIME assembly
(`mime`) and delivery through SMTP or to the outbox folder (`mailer`).

Areas own their emails (auth the confirmation, reminders the study
reminders); this package only knows how an email is made and sent.
"""
from flask import current_app

from .mailer import ConfigError, MailError, mailer_for


def send(message) -> None:
    """Send one email now (raises MailError or ConfigError). A batch opens
    one `mailer_for(config)` itself and reuses its connection."""
    with mailer_for(current_app.config) as mailer:
        mailer.send(message)


__all__ = ["ConfigError", "MailError", "mailer_for", "send"]
