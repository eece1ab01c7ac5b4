"""axe-core finds no WCAG 2.1 A or AA violation on any kind of page."""
import re

import pytest
from playwright.sync_api import expect

from .helpers import LANGS, LESSON_WITH_DETAILS, MODULE_1, assert_accessible

pytestmark = pytest.mark.e2e

LESSON = f"/modules/{MODULE_1}/{LESSON_WITH_DETAILS}"
# A lesson with reflections and a lesson with a quiz (the activities).
REFLECTION_LESSON = f"/modules/{MODULE_1}/delivering-excellent-service"
QUIZ_LESSON = f"/modules/{MODULE_1}/john-lewis-partnership-case-study"

PUBLIC_PAGES = {
    "home": "/",
    "module": f"/modules/{MODULE_1}",
    "lesson": LESSON,
    "reflection-lesson": REFLECTION_LESSON,
    "quiz-lesson": QUIZ_LESSON,
    "text-version": f"{LESSON}/text",
    "register": "/register",
    "sign-in": "/login",
    "not-found": "/no-such-page",
}
LEARNER_PAGES = {
    "home": "/",
    "module": f"/modules/{MODULE_1}",
    "lesson": LESSON,
    "reflection-lesson": REFLECTION_LESSON,
    "quiz-lesson": QUIZ_LESSON,
    "profile": "/profile",
    # Activities.
    "reflection-page": f"{REFLECTION_LESSON}/reflections/face-to-face",
    "quiz-page": "/quizzes/john-lewis",
    "module-quiz": f"/modules/{MODULE_1}/quiz",
    "module-feedback": f"/modules/{MODULE_1}/feedback",
    "my-reflections": "/my/reflections",
    "my-reflections-print": "/my/reflections/print",
    "my-notes": "/my/notes",
    # Reminders.
    "reminders": "/reminders/",
}


def open_all_details(page):
    """Scan the "click to read" sections opened, as a reader would see them."""
    for details in page.locator("details").all():
        details.locator("summary").click()
        expect(details).to_have_attribute("open", "")


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_is_accessible(page, live_server, name):
    page.goto("/en" + PUBLIC_PAGES[name])
    open_all_details(page)
    assert_accessible(page, f"{name} (visitor)")


@pytest.mark.parametrize("name", LEARNER_PAGES)
def test_learner_page_is_accessible(learner_page, name):
    learner_page.goto("/en" + LEARNER_PAGES[name])
    if name != "my-reflections-print":  # (a bare page for printing)
        expect(learner_page.locator(".site-nav form button")).to_be_visible()  # signed in
    open_all_details(learner_page)
    assert_accessible(learner_page, f"{name} (learner)")


@pytest.mark.parametrize("lang", [code for code in LANGS if code != "en"])
def test_pages_in_each_language_are_accessible(page, lang):
    for path in ("/", f"/modules/{MODULE_1}", LESSON, "/register"):
        page.goto(f"/{lang}{path}")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        assert_accessible(page, f"/{lang}{path}")


def test_forms_with_errors_are_accessible(page, live_server):
    """Errors are announced, tied to their fields, and nothing typed is lost."""
    page.goto("/en/register")
    page.get_by_label("Your name").fill("Ada")
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the highlighted fields.")
    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    error_id = page.locator(".field.has-error .error").first.get_attribute("id")
    expect(password).to_have_attribute("aria-describedby", f"{error_id.replace('-error', '-help')} {error_id}")
    expect(page.get_by_label("Your name")).to_have_value("Ada")
    expect(page.get_by_label("Email address")).to_have_value("ada@example.com")
    assert_accessible(page, "register with errors")

    page.goto("/en/login")
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "sign in with errors")


def test_profile_with_errors_is_accessible(learner_page):
    learner_page.goto("/en/profile")
    learner_page.get_by_label("Current password").fill("wrong password")
    learner_page.get_by_label("New password").fill("another long password")
    learner_page.get_by_role("button", name="Change password").click()
    current = learner_page.get_by_label("Current password")
    expect(current).to_have_attribute("aria-invalid", "true")
    expect(current).to_have_accessible_description("Your current password is not right.")
    assert_accessible(learner_page, "profile with errors")


def test_skip_link_moves_focus_to_the_main_content(page):
    page.goto(f"/en{LESSON}")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_activity_forms_with_errors_are_accessible(learner_page):
    """A quiz sent with no answers and feedback sent with no rating: errors tied to their fields."""
    page = learner_page
    page.goto("/en/quizzes/john-lewis")
    page.locator("main form.quiz-form").get_by_role("button", name="Submit answers").click()
    first = page.locator(".question.has-error").first
    expect(first).to_be_visible()
    error_id = first.locator(".error").get_attribute("id")
    expect(first.locator(f'[aria-describedby~="{error_id}"]')).to_have_count(1)
    assert_accessible(page, "quiz with errors")

    page.goto(f"/en/modules/{MODULE_1}/feedback")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("group", name=re.compile("Your rating"))).to_have_attribute("aria-describedby", "rating-error")
    expect(page.locator(".error").first).to_be_visible()
    assert_accessible(page, "module feedback with errors")
