"""Course, module and lesson pages, and progress: the engine, on the tests'
own small course (tests/fixtures/course; the shipped course has its own
tests in test_shipped_course.py)."""
import re

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import select

from course.content import get_content
from course.extensions import db
from course.models import LessonProgress
from tests.conftest import FIXTURE_COURSE

MODULE = "/{lang}/modules/first-steps"
LESSON = MODULE + "/welcome"


@pytest.fixture
def app_config():
    return {"CONTENT_DIR": str(FIXTURE_COURSE)}


def test_visitors_can_read_the_course_and_are_invited_to_sign_up(client):
    home = client.get("/en/").get_data(as_text=True)
    assert "First steps" in home
    assert "Create an account" in home
    lesson = client.get(LESSON.format(lang="en")).get_data(as_text=True)
    assert "<h1>" in lesson
    assert "Create a free account" in lesson


def test_module_page_shows_outcomes_lessons_and_time(client):
    page = client.get(MODULE.format(lang="es")).get_data(as_text=True)
    assert "Lo que aprenderás" in page
    assert page.count('class="lesson-list"') == 1
    assert re.search(r"\d+ minutos", page)


def test_lesson_page_has_text_version_download_listen_and_details(client):
    page = client.get(LESSON.format(lang="it")).get_data(as_text=True)
    assert "<details" in page and "<summary>" in page
    assert 'class="button small secondary js-listen" data-lang="it"' in page and " hidden>" in page
    text = client.get(LESSON.format(lang="it") + "/text")
    assert text.status_code == 200 and '<html lang="it">' in text.get_data(as_text=True)
    download = client.get(LESSON.format(lang="it") + "/download")
    assert download.status_code == 200
    assert download.mimetype == "text/markdown"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.get_data(as_text=True).startswith("# ")


def test_an_unknown_lesson_or_a_lesson_under_the_wrong_module_is_404(client):
    assert client.get(MODULE.format(lang="en") + "/no-such-lesson").status_code == 404
    assert client.get("/en/modules/second-steps/welcome").status_code == 404


def test_opening_a_lesson_records_it_and_home_offers_to_continue(client, app, learner):
    client.get(LESSON.format(lang="en"))
    with app.app_context():
        row = db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == learner))
        assert row.lesson_id == "welcome" and row.completed_at is None
    home = client.get("/en/").get_data(as_text=True)
    with app.app_context():
        title = escape(get_content().course("en").lesson("welcome").lesson.title)
    assert f'<a class="button" href="/en/modules/first-steps/welcome">Continue where you left off: {title}</a>' in home
    assert "Start the course" not in home and "You have completed the course" not in home


def test_a_new_learner_is_offered_the_first_lesson(client, app, learner):
    home = client.get("/it/").get_data(as_text=True)
    with app.test_request_context("/it/"), force_locale("it"):
        first = get_content().course("it").modules[0].lessons[0]
        words, other = gettext("Start the course"), gettext("Continue where you left off")
    assert (f'<a class="button" href="/it/modules/{first.module_id}/{first.id}">{escape(words)}: '
            f'{escape(first.lesson.title)}</a>' in home)
    assert other not in home


def _module_progress(page: str) -> int:
    return int(re.search(r'<progress max="100" value="(\d+)" aria-label="Your progress in this module"', page).group(1))


def test_marking_a_lesson_complete_moves_progress_in_every_language(client, learner):
    before = _module_progress(client.get(MODULE.format(lang="en")).get_data(as_text=True))
    response = client.post(LESSON.format(lang="es") + "/complete", data={"action": "complete"})
    assert response.status_code == 302
    after = _module_progress(client.get(MODULE.format(lang="en")).get_data(as_text=True).replace("Tu progreso", "Your progress"))
    assert after > before
    # The lesson page shows the same figure as the module page, as a number and as text.
    page = client.get(LESSON.format(lang="en")).get_data(as_text=True)
    assert _module_progress(page) == after
    assert f'<span class="progress-text">{after}%</span>' in page
    page = client.get(LESSON.format(lang="pl")).get_data(as_text=True)
    assert '<p><span class="badge done">Zrobione</span> Ukończono tę lekcję.</p>' in page
    # and undo
    client.post(LESSON.format(lang="en") + "/complete", data={"action": "undo"})
    assert _module_progress(client.get(MODULE.format(lang="en")).get_data(as_text=True)) == before


def test_complete_needs_an_account(client):
    response = client.post(LESSON.format(lang="en") + "/complete", data={"action": "complete"})
    assert response.status_code == 302 and "/en/login" in response.headers["Location"]


def test_complete_refuses_a_forged_action(client, learner):
    assert client.post(LESSON.format(lang="en") + "/complete", data={"action": "delete-everything"}).status_code == 400


def test_learners_progress_is_their_own(client, make_user, auth):
    make_user(email="one@example.com")
    make_user(email="two@example.com")
    auth.login("one@example.com")
    client.post(LESSON.format(lang="en") + "/complete", data={"action": "complete"})
    auth.logout()
    auth.login("two@example.com")
    page = client.get(MODULE.format(lang="en")).get_data(as_text=True)
    assert _module_progress(page) == 0


def test_healthz_answers_while_the_database_is_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["database"] == "ok"


def test_healthz_is_503_when_the_database_is_unreachable(db_path, tmp_path):
    from tests.conftest import make_app

    app = make_app(db_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/x.sqlite3", OUTBOX_DIR=str(tmp_path))
    assert app.test_client().get("/healthz").status_code == 503


def test_security_headers_are_set(client):
    response = client.get("/en/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_static_files_are_served_from_the_app(client):
    for name in ("style.css", "aula.js", "print.css"):
        with client.get(f"/static/{name}") as response:
            assert response.status_code == 200


def test_an_unexpected_error_is_a_translated_500_page_without_a_traceback(db_path, tmp_path):
    from tests.conftest import make_app

    app = make_app(db_path, OUTBOX_DIR=str(tmp_path), TESTING=False, PROPAGATE_EXCEPTIONS=False)

    def explode(lang):
        raise RuntimeError("secret internals")

    app.add_url_rule("/<lang>/explode", "explode", explode)
    response = app.test_client().get("/es/explode")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Algo ha ido mal" in page
    assert "Traceback" not in page and "secret internals" not in page


def test_a_404_without_a_language_prefix_is_a_page_in_the_visitors_language(client, learner):
    response = client.get("/no/such/page", headers={"Accept-Language": "pl"})
    assert response.status_code == 404
    assert '<html lang="en">' in response.get_data(as_text=True)  # the signed-in learner's language wins
    client.post("/en/logout")
    response = client.get("/no/such/page", headers={"Accept-Language": "pl"})
    assert response.status_code == 404 and '<html lang="pl">' in response.get_data(as_text=True)


def test_reopening_a_lesson_at_once_writes_nothing_but_later_visits_count(client, app, learner, monkeypatch):
    from datetime import timedelta

    from course.learn import progress

    client.get(LESSON.format(lang="en"))
    with app.app_context():
        first = db.session.scalar(select(LessonProgress.last_opened_at).where(LessonProgress.user_id == learner))
    client.get(LESSON.format(lang="en"))
    with app.app_context():
        assert db.session.scalar(select(LessonProgress.last_opened_at).where(LessonProgress.user_id == learner)) == first
    monkeypatch.setattr(progress, "REOPEN_WRITE_INTERVAL", timedelta(0))
    client.get(LESSON.format(lang="en"))
    with app.app_context():
        assert db.session.scalar(select(LessonProgress.last_opened_at).where(LessonProgress.user_id == learner)) > first


def test_favicon_ico_answers_with_the_site_icon(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
