"""Every activity form and autosave endpoint refuses a request without its CSRF token."""
import pytest

from tests.activities.conftest import M1, REFLECTION_LESSON, lesson_url, reflection_url, token_from
from tests.conftest import csrf_token_from, make_app


@pytest.fixture
def csrf_client(db_path, make_user, tmp_path):
    app = make_app(db_path, WTF_CSRF_ENABLED=True, OUTBOX_DIR=str(tmp_path / "outbox"))
    make_user(email="ada@example.com")
    client = app.test_client()
    page = client.get("/en/login").get_data(as_text=True)
    client.post("/en/login", data={"email": "ada@example.com", "password": "correct horse battery",
                                   "csrf_token": csrf_token_from(page)})
    yield client
    with app.app_context():
        from course.extensions import db

        db.session.remove()
        db.engine.dispose()


def test_forms_without_a_token_are_refused(csrf_client, db_rows):
    page = csrf_client.get(lesson_url("en", "john-lewis-partnership-case-study")).get_data(as_text=True)
    quiz_token = token_from(page)
    posts = [
        (reflection_url("en", "face-to-face"), {"p-kind": "x"}),
        (f"/en/modules/{M1}/{REFLECTION_LESSON}/notes", {"text": "x"}),
        ("/en/quizzes/john-lewis", {"q-q1": "a", "submission_token": quiz_token}),
        (f"/en/modules/{M1}/feedback", {"rating": "4"}),
    ]
    for url, data in posts:
        response = csrf_client.post(url, data=data)
        assert response.status_code == 400, url
        assert "This form has expired" in response.get_data(as_text=True)
    # Autosave without the X-CSRFToken header.
    assert csrf_client.post(reflection_url("en", "face-to-face"), json={"answers": {"kind": "x"}}).status_code == 400
    assert csrf_client.post(f"/en/modules/{M1}/{REFLECTION_LESSON}/notes", json={"text": "x"}).status_code == 400
    for table in ("reflection_answers", "notes", "quiz_attempts", "module_feedback"):
        assert db_rows(f"SELECT count(*) FROM {table}") == 0, table


def test_with_the_token_they_work(csrf_client, db_rows):
    page = csrf_client.get(lesson_url("en", REFLECTION_LESSON)).get_data(as_text=True)
    token = csrf_token_from(page)
    response = csrf_client.post(reflection_url("en", "face-to-face"), json={"answers": {"kind": "x"}},
                                headers={"X-CSRFToken": token})
    assert response.status_code == 200
    response = csrf_client.post(f"/en/modules/{M1}/{REFLECTION_LESSON}/notes", data={"text": "x", "csrf_token": token})
    assert response.status_code == 302
    assert db_rows("SELECT count(*) FROM reflection_answers") == 1 and db_rows("SELECT count(*) FROM notes") == 1
