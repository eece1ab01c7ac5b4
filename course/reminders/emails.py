"""The emails the reminders area sends, rendered in the learner's language.

Each email is rendered inside `force_locale(user.lang)` and a request
context built on BASE_URL, so every link points at the public site
whatever request (or none) is running. Plain-text and HTML parts.
"""
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from flask import current_app, render_template, url_for
from flask_babel import force_locale, gettext as _

from ..content import get_content
from ..learn.progress import CourseStatus, course_status
from ..models import User
from .tokens import confirm_token, unsubscribe_token


class _MailPolicy(EmailPolicy):
    """The default policy, except that link headers are never folded or
    encoded: mail clients read List-Unsubscribe as a plain <URL>."""

    verbatim = frozenset({"list-unsubscribe", "list-unsubscribe-post"})

    def fold(self, name, value):
        if name.lower() in self.verbatim:
            return f"{name}: {value}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name, value):
        if name.lower() in self.verbatim:
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


POLICY = _MailPolicy()


def site_host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def sender() -> str:
    return current_app.config.get("MAIL_FROM") or f"Aula <no-reply@{site_host()}>"


@contextmanager
def public_links(lang: str):
    """url_for(..., _external=True) gives BASE_URL addresses; gettext speaks `lang`."""
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        with force_locale(lang):
            yield


def _recipient(user: User) -> Address:
    name = " ".join((user.name or "").split())  # no line breaks in a header
    local, _at, domain = user.email.rpartition("@")
    return Address(display_name=name, username=local, domain=domain)


def _message(user: User, subject: str, text: str, html: str, now: datetime) -> EmailMessage:
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = " ".join(subject.split())
    msg["From"] = sender()
    msg["To"] = _recipient(user)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid("aula", domain=site_host())
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    msg["Content-Language"] = user.lang  # after the parts: set_content() drops Content-* headers
    return msg


@dataclass(frozen=True)
class NextStep:
    """What the email invites the learner to do next."""

    kind: str  # start | lesson | quiz
    title: str
    module_title: str
    url: str
    minutes: int | None = None


def next_step(view, status: CourseStatus | None, lang: str) -> NextStep | None:
    """The lesson to continue with, else the first module quiz still to pass."""
    if status is not None and status.resume is not None:
        ref = status.resume
        module = view.module(ref.module_id)
        kind = "lesson" if status.started else "start"
        return NextStep(kind, ref.lesson.title, module.module.title if module else "",
                        url_for("learn.lesson", lang=lang, module_id=ref.module_id, lesson_id=ref.id, _external=True),
                        ref.lesson.minutes)
    for module in view.modules:
        module_status = status.modules.get(module.id) if status else None
        if module_status is not None and not module_status.complete:
            return NextStep("quiz", module.final_quiz.title, module.module.title,
                            url_for("learn.module", lang=lang, module_id=module.id, _external=True))
    return None


def reminder_message(user: User, now: datetime, status: CourseStatus | None = None) -> EmailMessage:
    """The study reminder for `user` (their progress, next lesson, schedule and unsubscribe links)."""
    view = get_content().course(user.lang)
    if status is None:
        status = course_status(view, user)
    with public_links(user.lang):
        step = next_step(view, status, user.lang)
        context = dict(
            user=user,
            status=status,
            step=step,
            course_title=view.course.title,
            course_url=url_for("learn.home", lang=user.lang, _external=True),
            settings_url=url_for("reminders.settings", lang=user.lang, _external=True),
            unsubscribe_url=url_for("reminders.unsubscribe", lang=user.lang,
                                    token=unsubscribe_token(user), _external=True),
        )
        if step is not None and step.kind != "quiz":
            subject = _("Time to study: %(lesson)s", lesson=step.title)
        else:
            subject = _("Time to study: %(course)s", course=view.course.title)
        text = render_template("reminders/email/reminder.txt", **context)
        html = render_template("reminders/email/reminder.html", subject=subject, **context)
        msg = _message(user, subject, text, html, now)
    msg["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return msg


def confirmation_message(user: User, now: datetime) -> EmailMessage:
    """The email with the signed link that confirms the learner's address."""
    with public_links(user.lang):
        context = dict(
            user=user,
            confirm_url=url_for("reminders.confirm", lang=user.lang, token=confirm_token(user), _external=True),
            settings_url=url_for("reminders.settings", lang=user.lang, _external=True),
        )
        subject = _("Confirm your email address for Aula")
        text = render_template("reminders/email/confirm.txt", **context)
        html = render_template("reminders/email/confirm.html", subject=subject, **context)
        return _message(user, subject, text, html, now)
