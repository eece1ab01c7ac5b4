"""Fixtures for the certificates' tests: a learner who has completed the course."""
import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests.activities.conftest import course  # noqa: F401  (the course(lang) fixture)

from course.content import get_content
from course.extensions import db
from course.learn import progress
from course.models import Certificate, LessonProgress, QuizAttempt, User, utcnow


def complete_course(app, user_id: int, score: float = 100.0, modules=None) -> None:
    """Record every lesson done and every final quiz passed (or only `modules`),
    then let the progress rules see it, as the pages do after each step."""
    with app.app_context():
        user = db.session.get(User, user_id)
        view = get_content().course(user.lang)
        chosen = [m for m in view.modules if modules is None or m.id in modules]
        now = utcnow()
        for module in chosen:
            for ref in module.published_lessons():
                db.session.add(LessonProgress(user_id=user.id, module_id=module.id, lesson_id=ref.id,
                                              first_opened_at=now, last_opened_at=now, completed_at=now))
            db.session.add(QuizAttempt(user_id=user.id, module_id=module.id, quiz_id=module.final_quiz.id,
                                       lang=user.lang, submission_token=f"t-{module.id}", score=score,
                                       correct_count=1, question_count=1, passed=True, submitted_at=now))
        db.session.commit()
        for module in chosen:
            progress.update_completion(user, view, module.id)


def certificate_of(app, user_id: int) -> Certificate | None:
    with app.app_context():
        cert = db.session.query(Certificate).filter_by(user_id=user_id).one_or_none()
        if cert is not None:
            db.session.expunge(cert)
        return cert


def outbox(app) -> list:
    folder = Path(app.config["OUTBOX_DIR"])
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("*.eml"))]


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def verify_path(html: str) -> str:
    match = re.search(r'http://aula\.test(/verify/[0-9a-z]{20})', html)
    assert match, "no verification address on the page"
    return match.group(1)


@pytest.fixture
def finished(app, make_user, auth):
    """finished(lang="en", **user) -> the id of a signed-in learner who completed the course."""
    def factory(lang="en", email="grace@example.com", name="Grace Hopper", **extra):
        user_id = make_user(email=email, name=name, lang=lang, **extra)
        complete_course(app, user_id)
        auth.login(email, lang=lang)
        return user_id
    return factory


@pytest.fixture
def course_modules(app) -> list[str]:
    with app.app_context():
        return [m.id for m in get_content().course("en").modules]
