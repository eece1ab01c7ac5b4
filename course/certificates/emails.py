"""The email that tells a learner their certificate is ready: sent once, in
their language, with links to the certificate page and its verification."""
import logging

from email.utils import format_datetime, make_msgid

from flask import current_app, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..models import Certificate, User, utcnow
from ..reminders import mime
from ..reminders.emails import Origin, public_links
from ..reminders.mailer import ConfigError, MailError, mailer_for
from ..reminders.templating import render

log = logging.getLogger(__name__)


def completion_message(user: User, certificate: Certificate, course_title: str):
    now = utcnow()
    with public_links(user.lang):
        context = dict(
            user=user, course_title=course_title,
            certificate_url=url_for("certificates.mine", lang=user.lang, _external=True),
            pdf_url=url_for("certificates.pdf", lang=user.lang, _external=True),
            verify_url=url_for("certificates.verify", lang=user.lang, public_id=certificate.public_id,
                               _external=True),
        )
        subject = _("Your certificate for %(course)s", course=course_title)
        text = render("certificates/email/completed.txt", user.lang, **context)
        html = render("certificates/email/completed.html", user.lang, subject=subject, **context)
    origin = Origin.configured()
    return mime.build(subject=mime.encode_header("Subject", subject), sender=origin.sender,
                      to=mime.address(user.name, user.email), text=text, html=html,
                      envelope_from=origin.envelope_from, recipients=(user.email,), headers={
                          "Date": format_datetime(now),
                          "Message-ID": make_msgid("aula", domain=origin.host),
                          "Auto-Submitted": "auto-generated",
                          "Content-Language": user.lang,
                      })


def send_completion_email(user: User, certificate: Certificate, course_title: str) -> bool:
    """Send it unless it went already; False (and a log line) if the mail server failed."""
    if certificate.email_sent_at is not None:
        return False
    try:
        message = completion_message(user, certificate, course_title)
        with mailer_for(current_app.config) as mailer:
            mailer.send(message)
    except (MailError, ConfigError) as exc:
        log.warning("certificates: completion email to user %s not sent: %s", user.id, exc)
        return False
    certificate.email_sent_at = utcnow()
    db.session.commit()
    return True
