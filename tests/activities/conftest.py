"""Fixtures and helpers for the activities' tests."""
import re

import pytest

from course.content import get_content

#: Lessons and quizzes of the real course used throughout.
M1 = "external-customers"
REFLECTION_LESSON = "delivering-excellent-service"   # face-to-face and telephone reflections
JL_LESSON = "john-lewis-partnership-case-study"      # holds the John Lewis quiz
SELF_CHECK = "customer-needs-self-check"             # module 2: has a self-assessed text question


def lesson_url(lang, lesson_id, module_id=M1):
    return f"/{lang}/modules/{module_id}/{lesson_id}"


def reflection_url(lang, exercise_id, lesson_id=REFLECTION_LESSON, module_id=M1):
    return f"/{lang}/modules/{module_id}/{lesson_id}/reflections/{exercise_id}"


def token_from(html: str) -> str:
    match = re.search(r'name="submission_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="submission_token"', html)
    assert match, "no submission token on the page"
    return match.group(1)


@pytest.fixture
def course(app):
    """course(lang) -> the loaded CourseView."""
    def view(lang="en"):
        with app.app_context():
            return get_content().course(lang)
    return view


def right_answers(quiz) -> dict:
    """Form data answering every question of a quiz right (text: the model answer)."""
    data = {}
    for q in quiz.questions:
        if q.type == "text":
            data[f"q-{q.id}"] = (q.accepted_answers[0] if q.accepted_answers else
                                 " ".join(q.keywords) if q.keywords else q.model_answer)
        else:
            data[f"q-{q.id}"] = [o.id for o in q.options if o.correct]
    return data


def wrong_answers(quiz) -> dict:
    data = {}
    for q in quiz.questions:
        if q.type == "text":
            data[f"q-{q.id}"] = "I am not sure."
        else:
            wrong = [o.id for o in q.options if not o.correct]
            data[f"q-{q.id}"] = wrong[:1] if wrong else [q.options[0].id]
    return data


@pytest.fixture
def take_quiz(client):
    """take_quiz(url, data) -> the response to submitting the quiz page at url."""
    def submit(url, data, token=None):
        if token is None:
            page = client.get(url)
            assert page.status_code == 200
            token = token_from(page.get_data(as_text=True))
        return client.post(url, data={**data, "submission_token": token})
    return submit
