"""The email that tells a learner their certificate is ready: sent once, in
their language, with links to the certificate page and its verification."""
import logging

from email.utils import format_datetime

from flask import url_for
from flask_babel import gettext as _

from .. import mail
from ..extensions import db
from ..mail import mime
from ..mail.compose import Origin, message, public_links
from ..mail.templating import render
from ..models import Certificate, User, utcnow

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
    return message(user, mime.encode_header("Subject", subject), text, html, format_datetime(now),
                   Origin.configured())

def send_completion_email(user: User, certificate: Certificate, course_title: str) -> bool:
    """Send it unless it went already; False (and a log line) if the mail server failed."""
    if certificate.email_sent_at is not None:
        return False
    try:
        mail.send(completion_message(user, certificate, course_title))
    except (mail.MailError, mail.ConfigError) as exc:
        log.warning("certificates: completion email to user %s not sent: %s", user.id, exc)
        return False
    certificate.email_sent_at = utcnow()
    db.session.commit()
    return True
