"""What the certificate pages show: the certificate as it reads in a
language, or what is left to do before there is one."""
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import segno
from flask import current_app

from ..content import CourseView, LessonRef, ModuleView
from ..learn.progress import CourseStatus
from ..models import Certificate, User
from .issuing import grouped, scores_of


def verification_url(certificate: Certificate) -> str:
    """The public address that checks a certificate: short, language-neutral, on BASE_URL."""
    return f"{current_app.config['BASE_URL']}/verify/{certificate.public_id}"


def local_date(moment: datetime, user: User | None) -> date:
    """The day a moment fell on where the learner lives."""
    try:
        zone = ZoneInfo(user.timezone) if user is not None else None
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        zone = None
    return moment.astimezone(zone).date() if zone else moment.date()


def qr_svg(url: str, label: str) -> str:
    """The address as an inline SVG QR code (error correction M: survives a crease in print)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2, title=label, svgclass="qr-code",
                                                  lineclass=None)


@dataclass(frozen=True)
class ModuleLine:
    number: int
    title: str
    score: float | None


@dataclass(frozen=True)
class CertificateView:
    """A certificate as a page, a PDF or an email shows it, in one language."""

    certificate: Certificate
    course_title: str
    name: str
    completed_on: date
    modules: tuple
    minutes: int
    verify_url: str

    @property
    def display_id(self) -> str:
        return grouped(self.certificate.public_id)


def certificate_view(certificate: Certificate, view: CourseView, user: User | None) -> CertificateView:
    scores = scores_of(certificate)
    modules = tuple(ModuleLine(n, module.module.title, scores.get(module.id))
                    for n, module in enumerate(view.modules, start=1) if module.id in scores)
    return CertificateView(certificate, view.course.title, certificate.name,
                           local_date(certificate.completed_at, user), modules, certificate.minutes,
                           verification_url(certificate))


def linkedin_url(cv: CertificateView, organisation: str) -> str:
    """LinkedIn's documented "Add to profile" link for a certification."""
    return "https://www.linkedin.com/profile/add?" + urlencode({
        "startTask": "CERTIFICATION_NAME", "name": cv.course_title, "organizationName": organisation,
        "issueYear": cv.completed_on.year, "issueMonth": cv.completed_on.month,
        "certUrl": cv.verify_url, "certId": cv.display_id,
    })


@dataclass(frozen=True)
class ModuleTodo:
    number: int
    module: ModuleView
    lessons_left: tuple     # LessonRef
    quiz_to_pass: bool
    best_score: float | None


def still_to_do(view: CourseView, status: CourseStatus) -> list[ModuleTodo]:
    """Each module not complete yet: its lessons not done, and its quiz if not passed."""
    todo = []
    for number, module in enumerate(view.modules, start=1):
        ms = status.modules[module.id]
        if ms.complete:
            continue
        left: tuple[LessonRef, ...] = tuple(ref for ref in module.published_lessons()
                                            if not status.lesson_done(ref.id))
        todo.append(ModuleTodo(number, module, left, not ms.quiz_passed, ms.best_score))
    return todo
