"""The study reminder email, rendered in the learner's language as a mail
merge (see ReminderComposer). How an email is composed and sent is
`course.mail`'s; what a reminder says is this module's.
"""
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from email.utils import format_datetime

from flask import url_for
from flask_babel import force_locale, gettext as _
from markupsafe import escape

from ..content import get_content
from ..learn.progress import CourseStatus, course_status
from ..mail import mime
from ..mail.compose import Origin, message as compose_message, public_site
from ..mail.templating import render
from ..models import User
from .tokens import unsubscribe_token


@dataclass(frozen=True)
class NextStep:
    """What the email invites the learner to do next."""

    kind: str  # start | lesson | quiz
    title: str
    module_title: str
    url: str
    minutes: int | None = None


def _public_url(endpoint: str, **values) -> str:
    return url_for(endpoint, **values, _external=True)


def next_step(view, status: CourseStatus | None, lang: str, link=_public_url) -> NextStep | None:
    """The lesson to continue with, else the first module quiz still to pass.
    `link(endpoint, **values)` makes the step's public address."""
    if status is not None and status.resume is not None:
        ref = status.resume
        module = view.module(ref.module_id)
        kind = "lesson" if status.started else "start"
        return NextStep(kind, ref.lesson.title, module.module.title if module else "",
                        link("learn.lesson", lang=lang, module_id=ref.module_id, lesson_id=ref.id),
                        ref.lesson.minutes)
    for module in view.modules:
        module_status = status.modules.get(module.id) if status else None
        if module_status is not None and not module_status.complete:
            return NextStep("quiz", module.final_quiz.title, module.module.title,
                            link("learn.module", lang=lang, module_id=module.id))
    return None


@dataclass(frozen=True)
class _Recipient:
    name: str
    lang: str


@dataclass(frozen=True)
class _Progress:
    started: bool
    fraction: float


@dataclass(frozen=True)
class _Body:
    subject: str  # encoded (mime.encode_header)
    text: str
    html: str


class ReminderComposer:
    """Builds the study reminders of a tick, as a mail merge.

    The body of a reminder depends on the learner's language, next step and
    progress, which many learners share; it is rendered once for each such
    variant, with markers where the learner's name and unsubscribe link go,
    and each email fills them in (escaped in the HTML part). The templates
    see only what the variant is made of: `user.name`, `user.lang`,
    `status.started`, `status.fraction`, `step` and the links.
    Use inside `public_site()`.
    """

    MAX_VARIANTS = 2000  # a tick's variants stay few; this bounds the memory if not

    def __init__(self, now: datetime):
        self.now = now
        self.content = get_content()
        # The personal fields' markers: random, so no text of the course or
        # of a learner can contain them.
        self._name, self._unsubscribe = (f"aula{secrets.token_hex(8)}" for _field in range(2))
        self._merge = re.compile(f"{self._name}|{self._unsubscribe}")
        self._bodies: dict[tuple, _Body] = {}
        self._links: dict[tuple, str] = {}
        self._date = format_datetime(now)
        self._origin = Origin.configured()

    def message(self, user: User, status: CourseStatus | None = None) -> Message:
        """The study reminder for `user` (their progress, next lesson, schedule and unsubscribe links)."""
        view = self.content.course(user.lang)
        if status is None:
            status = course_status(view, user)
        step = next_step(view, status, user.lang, self._link)
        progress = _Progress(bool(status and status.started), status.fraction if status else 0.0)
        key = (user.lang, step, progress)
        body = self._bodies.get(key)
        if body is None:
            if len(self._bodies) >= self.MAX_VARIANTS:
                self._bodies.clear()
            body = self._bodies[key] = self._render(view, user.lang, step, progress)
        unsubscribe = url_for("reminders.unsubscribe", lang=user.lang, token=unsubscribe_token(user), _external=True)
        name = " ".join((user.name or "").split())
        text = self._fill(body.text, name, unsubscribe)
        html = self._fill(body.html, str(escape(name)), str(escape(unsubscribe)))
        return compose_message(user, body.subject, text, html, self._date, self._origin, **{
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        })

    def _link(self, endpoint: str, **values) -> str:
        """A public address, made once per tick (many learners share their next step)."""
        key = (endpoint, *sorted(values.items()))
        url = self._links.get(key)
        if url is None:
            url = self._links[key] = _public_url(endpoint, **values)
        return url

    def _fill(self, rendered: str, name: str, unsubscribe: str) -> str:
        values = {self._name: name, self._unsubscribe: unsubscribe}
        return self._merge.sub(lambda match: values[match.group(0)], rendered)  # one pass: values are not rescanned

    def _render(self, view, lang: str, step: NextStep | None, progress: _Progress) -> _Body:
        with force_locale(lang):
            context = dict(
                user=_Recipient(self._name, lang),
                status=progress,
                step=step,
                course_title=view.course.title,
                course_url=self._link("learn.home", lang=lang),
                settings_url=self._link("reminders.settings", lang=lang),
                unsubscribe_url=self._unsubscribe,
            )
            if step is not None and step.kind != "quiz":
                subject = _("Time to study: %(lesson)s", lesson=step.title)
            else:
                subject = _("Time to study: %(course)s", course=view.course.title)
            return _Body(mime.encode_header("Subject", subject), render("reminders/email/reminder.txt", lang, **context),
                         render("reminders/email/reminder.html", lang, subject=subject, **context))


def reminder_message(user: User, now: datetime, status: CourseStatus | None = None) -> Message:
    """One study reminder (the scheduler uses a ReminderComposer for a whole tick)."""
    with public_site():
        return ReminderComposer(now).message(user, status)

