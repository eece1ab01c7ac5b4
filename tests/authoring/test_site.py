"""The course as the app serves it from a copy of the content: drafts,
English fallback, sanitised Markdown, the authoring page and reloading."""
import re
import shutil
import time

import pytest

from course.config import PROJECT_ROOT
from course.learn import progress
from tests.authoring.helpers import edit, line_of
from tests.conftest import csrf_token_from, make_app

DRAFT = ("external-customers", "internal-and-external-customers")


def set_status(root, module_id, lesson_id, status, langs=("en", "it", "es", "pl")):
    for lang in langs:
        path = root / lang / module_id / f"{lesson_id}.yaml"
        text = path.read_text(encoding="utf-8")
        if re.search(r"(?m)^status:", text):
            text = re.sub(r"(?m)^status:.*$", f"status: {status}", text, count=1)
        else:
            text = re.sub(r"(?m)^(minutes:.*)$", rf"\1\nstatus: {status}", text, count=1)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def site(course_copy, db_path, tmp_path):
    """An app serving the copy; `site.app`, `site.client`, `site.root`."""
    class Site:
        root = course_copy

        def __init__(self, **config):
            self.app = make_app(db_path, CONTENT_DIR=str(course_copy), OUTBOX_DIR=str(tmp_path / "outbox"), **config)
            self.client = self.app.test_client()

        def user(self, email, role="learner"):
            from course.auth.accounts import create_user

            with self.app.app_context():
                create_user(email, "correct horse battery", name=email.split("@")[0], role=role, lang="en",
                            timezone="UTC", confirmed=True)
            self.client.post("/en/login", data={"email": email, "password": "correct horse battery"})

    return Site


def lesson_url(lang, module_id, lesson_id):
    return f"/{lang}/modules/{module_id}/{lesson_id}"


# -- drafts ---------------------------------------------------------------------

def test_a_draft_is_hidden_from_visitors_and_learners(site):
    set_status(site.root, *DRAFT, "draft")
    s = site()
    assert s.client.get(lesson_url("en", *DRAFT)).status_code == 404
    page = s.client.get("/en/modules/external-customers").get_data(as_text=True)
    assert DRAFT[1] not in page and "Draft" not in page
    s.user("ada@example.com")
    assert s.client.get(lesson_url("en", *DRAFT)).status_code == 404
    assert s.client.get(lesson_url("pl", *DRAFT)).status_code == 404
    assert s.client.get(lesson_url("en", *DRAFT) + "/text").status_code == 404
    assert s.client.get(lesson_url("en", *DRAFT) + "/download").status_code == 404
    page = s.client.get("/en/modules/external-customers").get_data(as_text=True)
    assert DRAFT[1] not in page


def test_a_draft_does_not_count_towards_progress(site):
    set_status(site.root, *DRAFT, "draft")
    s = site()
    view = s.app.extensions["aula.content"].course("en")
    module = view.module(DRAFT[0])
    published = [ref for ref in module.lessons if ref.id != DRAFT[1]]
    status = progress.module_status(module, {}, {})
    assert status.lessons_total == len(published) == len(module.lessons) - 1
    assert module.minutes == sum(ref.lesson.minutes for ref in published)
    s.user("ada@example.com")
    home = s.client.get("/en/").get_data(as_text=True)
    assert f"{len(published)} lessons" in home
    first = s.client.get(lesson_url("en", DRAFT[0], published[-1].id)).get_data(as_text=True)
    assert f"Lesson {len(published)} of {len(published)}" in first


@pytest.mark.parametrize("role", ["instructor", "admin"])
def test_instructors_and_admins_see_drafts_marked(site, role):
    set_status(site.root, *DRAFT, "draft")
    s = site()
    s.user(f"{role}@example.com", role=role)
    page = s.client.get(lesson_url("en", *DRAFT))
    assert page.status_code == 200
    assert "Draft: only instructors and administrators can see this lesson." in page.get_data(as_text=True)
    module = s.client.get("/en/modules/external-customers").get_data(as_text=True)
    assert re.search(rf'{DRAFT[1]}">[^<]+</a>\s*<span class="badge draft">Draft</span>', module)
    overview = s.client.get("/en/authoring/").get_data(as_text=True)
    assert f"/en/modules/{DRAFT[0]}/{DRAFT[1]}" in overview and "No lesson is a draft" not in overview
    italian = s.client.get(lesson_url("it", *DRAFT)).get_data(as_text=True)
    assert "Bozza" in s.client.get("/it/authoring/").get_data(as_text=True)
    assert 'class="notice draft"' in italian


# -- English fallback ---------------------------------------------------------

def test_a_lesson_missing_in_a_language_is_shown_in_english_with_a_notice(site):
    (site.root / "pl/complaints/tactics.yaml").unlink()
    s = site()
    page = s.client.get(lesson_url("pl", "complaints", "tactics"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    english_title = line_of(site.root / "en/complaints/tactics.yaml", "title:")
    title = (site.root / "en/complaints/tactics.yaml").read_text(encoding="utf-8").splitlines()[english_title - 1]
    assert title.split(": ", 1)[1] in html
    assert 'class="lesson" lang="en"' in html
    # The page's own words inside the English lesson stay Polish (WCAG 3.1.2, language of parts).
    assert '<div class="lesson-tools" lang="pl">' in html and '<p class="meta" lang="pl">' in html
    assert 'class="notice" role="note"' in html
    with s.app.test_request_context("/pl/"):
        from flask_babel import force_locale, gettext

        with force_locale("pl"):
            notice = gettext("This lesson is not yet available in your language, so it is shown in English.")
    assert notice != "This lesson is not yet available in your language, so it is shown in English."
    assert str(notice) in html
    assert s.client.get(lesson_url("it", "complaints", "tactics")).status_code == 200
    s.user("teacher@example.com", role="instructor")
    overview = s.client.get("/en/authoring/").get_data(as_text=True)
    assert "/pl/modules/complaints/tactics" in overview


# -- Markdown is sanitised ----------------------------------------------------

def test_html_in_lesson_markdown_never_reaches_the_page(site):
    path = site.root / "en/complaints/tactics.yaml"
    edit(path, "    body: |\n", "    body: |\n      <script>alert('body')</script>\n\n"
                                  "      <img src=x onerror=alert(1)> [click](javascript:alert(2))\n\n", 1)
    edit(path, '      - "**T**hank"', "      - \"<script>alert('item')</script> **T**hank\"")
    s = site()
    html = s.client.get(lesson_url("en", "complaints", "tactics")).get_data(as_text=True)
    assert "<script>alert" not in html
    assert not re.search(r"<img[^>]*onerror", html)
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(" in html  # shown as text, harmless
    text = s.client.get(lesson_url("en", "complaints", "tactics") + "/text").get_data(as_text=True)
    assert "<script>alert" not in text


# -- the authoring page and reloading -------------------------------------------

def test_the_authoring_pages_are_for_instructors_and_admins(site):
    s = site()
    response = s.client.get("/en/authoring/")
    assert response.status_code == 302 and "/en/login" in response.location
    assert s.client.post("/en/authoring/reload").status_code == 302
    s.user("ada@example.com")
    assert s.client.get("/en/authoring/").status_code == 403
    assert s.client.get("/en/authoring/check").status_code == 403
    assert s.client.post("/en/authoring/reload").status_code == 403
    menu = s.client.get("/en/").get_data(as_text=True)
    assert "/en/authoring/" not in menu


def test_reload_shows_the_new_content_without_a_restart(site):
    s = site()
    s.user("teacher@example.com", role="instructor")
    assert "/en/authoring/" in s.client.get("/en/").get_data(as_text=True)  # in the menu
    edit(site.root / "en/complaints/tactics.yaml", "title: The TACTICS process", "title: TACTICS, step by step")
    assert "TACTICS, step by step" not in s.client.get(lesson_url("en", "complaints", "tactics")).get_data(as_text=True)
    response = s.client.post("/en/authoring/reload", follow_redirects=True)
    assert response.status_code == 200
    assert "The content has been reloaded" in response.get_data(as_text=True)
    assert "TACTICS, step by step" in s.client.get(lesson_url("en", "complaints", "tactics")).get_data(as_text=True)


def test_reload_with_broken_content_shows_the_problems_and_keeps_the_course(site):
    s = site()
    s.user("teacher@example.com", role="instructor")
    path = site.root / "en/complaints/tactics.yaml"
    line = line_of(path, "minutes:")
    edit(path, "minutes: 15", "minutes: fifteen")
    edit(path, "title: The TACTICS process", "title: TACTICS, step by step")
    response = s.client.post("/en/authoring/reload")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The content was not reloaded: 1 problem" in html
    assert "en/complaints/tactics.yaml" in html and f"line {line}" in html
    assert "&#39;minutes&#39; must be a whole number" in html or "'minutes' must be a whole number" in html
    page = s.client.get(lesson_url("en", "complaints", "tactics")).get_data(as_text=True)
    assert "The TACTICS process" in page and "TACTICS, step by step" not in page


def test_reload_needs_a_csrf_token(site):
    s = site(WTF_CSRF_ENABLED=True)
    s.user("teacher@example.com", role="instructor")  # creates the account (this sign-in lacks a token)
    login = s.client.get("/en/login").get_data(as_text=True)
    s.client.post("/en/login", data={"email": "teacher@example.com", "password": "correct horse battery",
                                     "csrf_token": csrf_token_from(login)})
    page = s.client.get("/en/authoring/")
    assert page.status_code == 200
    assert s.client.post("/en/authoring/reload").status_code == 400
    token = csrf_token_from(page.get_data(as_text=True))
    assert s.client.post("/en/authoring/reload", data={"csrf_token": token}).status_code == 302


def test_a_reload_reaches_every_worker(site):
    worker_a = site()
    worker_b = site(CONTENT_CHECK_SECONDS=0)
    worker_a.user("teacher@example.com", role="instructor")
    assert "The TACTICS process" in worker_b.client.get(lesson_url("en", "complaints", "tactics")).get_data(as_text=True)
    edit(site.root / "en/complaints/tactics.yaml", "title: The TACTICS process", "title: TACTICS, step by step")
    assert worker_a.client.post("/en/authoring/reload").status_code == 302
    assert "TACTICS, step by step" in worker_b.client.get(lesson_url("en", "complaints", "tactics")).get_data(as_text=True)
    content = worker_b.app.extensions["aula.content"]
    worker_b.client.get("/en/")
    assert worker_b.app.extensions["aula.content"] is content  # no second reload for the same generation


def test_a_worker_checks_for_new_content_at_most_every_few_seconds(site):
    worker_a = site()
    worker_b = site(CONTENT_CHECK_SECONDS=3600)
    worker_a.user("teacher@example.com", role="instructor")
    worker_b.client.get("/en/")
    edit(site.root / "en/complaints/tactics.yaml", "title: The TACTICS process", "title: TACTICS, step by step")
    worker_a.client.post("/en/authoring/reload")
    page = worker_b.client.get(lesson_url("en", "complaints", "tactics")).get_data(as_text=True)
    assert "The TACTICS process" in page  # not checked again yet
    worker_b.app.extensions["aula.content_state"].next_check = time.monotonic() - 1
    page = worker_b.client.get(lesson_url("en", "complaints", "tactics")).get_data(as_text=True)
    assert "TACTICS, step by step" in page


def test_flask_course_reload_checks_then_announces_new_content(site):
    s = site()
    from course.content_cli import course_cli

    runner = s.app.test_cli_runner()
    path = site.root / "en/complaints/tactics.yaml"
    edit(path, "minutes: 15", "minutes: fifteen")
    result = runner.invoke(course_cli, ["reload"])
    assert result.exit_code == 1
    assert f"tactics.yaml:{line_of(path, 'minutes:')}: 'minutes' must be a whole number" in result.output
    with s.app.app_context():
        from course.extensions import db
        from course.models import SchedulerState

        assert db.session.get(SchedulerState, "content_generation") is None
    edit(path, "minutes: fifteen", "minutes: 15")
    result = runner.invoke(course_cli, ["reload"])
    assert result.exit_code == 0, result.output
    assert "Every running server reloads it within" in result.output
    with s.app.app_context():
        assert db.session.get(SchedulerState, "content_generation").value


def test_in_debug_mode_edits_show_up_on_the_next_request(site):
    s = site(DEBUG=True)
    edit(site.root / "en/complaints/tactics.yaml", "title: The TACTICS process", "title: TACTICS, step by step")
    assert "TACTICS, step by step" in s.client.get(lesson_url("en", "complaints", "tactics")).get_data(as_text=True)
    edit(site.root / "en/complaints/tactics.yaml", "minutes: 15", "minutes: fifteen")  # broken: keeps the last good one
    assert "TACTICS, step by step" in s.client.get(lesson_url("en", "complaints", "tactics")).get_data(as_text=True)


def test_the_check_page_lists_every_problem_by_file(site):
    s = site()
    s.user("teacher@example.com", role="instructor")
    path = site.root / "it/external-customers/quizzes/john-lewis.yaml"
    question = line_of(path, "- id: q1")
    line = line_of(path, "type: single", start=question)
    edit(path, "    type: single", "    type: multiple")
    html = s.client.get("/en/authoring/check").get_data(as_text=True)
    assert "it/external-customers/quizzes/john-lewis.yaml" in html
    assert f"line {line}" in html and "is of type &#39;multiple&#39; here but &#39;single&#39; in English" in html
    assert "1 translation out of step with English" in html


def test_a_quiz_missing_in_a_language_is_shown_in_english(site):
    (site.root / "pl/external-customers/quizzes/john-lewis.yaml").unlink()
    s = site()
    english = (site.root / "en/external-customers/quizzes/john-lewis.yaml").read_text(encoding="utf-8")
    title = next(line for line in english.splitlines() if line.startswith("title:")).split(": ", 1)[1]
    page = s.client.get(lesson_url("pl", "external-customers", "john-lewis-partnership-case-study"))
    assert page.status_code == 200
    assert title in page.get_data(as_text=True)


def test_apps_on_one_folder_share_its_course_and_a_process_keeps_the_last_few_folders(db_path, tmp_path):
    from course import content_runtime
    from tests.authoring.helpers import SHIPPED

    first, again = make_app(db_path), make_app(db_path)
    assert again.extensions["aula.content"] is first.extensions["aula.content"]  # loaded once
    folders = []
    for n in range(content_runtime.KEEP_FOLDERS + 1):
        folder = tmp_path / f"copy{n}"
        shutil.copytree(SHIPPED / "en", folder / "en")
        make_app(db_path, CONTENT_DIR=str(folder))
        folders.append(folder.resolve())
    assert list(content_runtime._loaded) == folders[1:]  # the oldest dropped first
    # The shipped course, the least recently used, was dropped too: loaded again, then kept.
    reloaded = make_app(db_path)
    assert reloaded.extensions["aula.content"] is not first.extensions["aula.content"]
    assert make_app(db_path).extensions["aula.content"] is reloaded.extensions["aula.content"]
    assert list(content_runtime._loaded)[-1] == (PROJECT_ROOT / "content").resolve()
