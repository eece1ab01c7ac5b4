"""The main pages at phone and desktop widths: screenshots, and no sideways scrolling on a phone."""
import pytest
from playwright.sync_api import expect

from .conftest import sign_in_as
from .helpers import LESSON_WITH_DETAILS, MODULE_1, SCREENSHOTS, assert_accessible, horizontal_overflow, screenshot

pytestmark = pytest.mark.e2e

WIDTHS = (375, 1280)
LESSON = f"/modules/{MODULE_1}/{LESSON_WITH_DETAILS}"
PAGES = {
    "home": "/",
    "module": f"/modules/{MODULE_1}",
    "lesson": LESSON,
    "quiz-lesson": f"/modules/{MODULE_1}/john-lewis-partnership-case-study",
    "reflection-lesson": f"/modules/{MODULE_1}/delivering-excellent-service",
    "profile": "/profile",
    "reminders": "/reminders/",
    "quiz": "/quizzes/john-lewis",
    "my-reflections": "/my/reflections",
    "register": "/register",
    "not-found": "/no-such-page",
}
# Polish words run longest: check the narrow layout in Polish too.
LANG_BY_PAGE = {"register": "pl", "module": "pl", "reminders": "pl", "admin-learners": "pl", "admin-export": "pl"}


ADMIN_PAGES = {
    "admin": "/admin/",
    "admin-learners": "/admin/learners",
    "admin-export": "/admin/export",
    "admin-audit": "/admin/audit",
}


@pytest.mark.parametrize("width", WIDTHS)
def test_main_pages_fit_the_screen(blank_page, learner_state, screenshots, width):
    """Screenshots of the main pages go to test-results/screenshots/<page>-<lang>-<width>.png."""
    sign_in_as(blank_page, learner_state)
    blank_page.set_viewport_size({"width": width, "height": 800})
    check_pages(blank_page, PAGES, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_admin_pages_fit_the_screen(blank_page, admin_state, screenshots, width):
    sign_in_as(blank_page, admin_state)
    blank_page.set_viewport_size({"width": width, "height": 800})
    check_pages(blank_page, ADMIN_PAGES, width)


def check_pages(page, pages, width):
    problems = {}
    for name, path in pages.items():
        lang = LANG_BY_PAGE.get(name, "en")
        page.goto(f"/{lang}{path}")
        expect(page.locator("main h1")).to_be_visible()
        for details in page.locator("details").all():
            details.locator("summary").click()
        shot = screenshot(page, f"{name}-{lang}-{width}")
        assert shot.parent == SCREENSHOTS and shot.stat().st_size > 1000
        wide = horizontal_overflow(page)
        if wide:
            problems[name] = wide
        if width < 400:  # what scrolls on a phone (a wide table) must scroll with the keyboard too
            assert_accessible(page, f"{name} at {width} px")
    assert problems == {}, f"horizontal scrolling at {width} px"


def test_visitor_pages_fit_a_phone(blank_page, screenshots):
    page = blank_page
    page.set_viewport_size({"width": 375, "height": 800})
    for lang, path in (("en", "/"), ("pl", "/login"), ("it", LESSON)):
        page.goto(f"/{lang}{path}")
        screenshot(page, f"visitor-{path.strip('/').replace('/', '-') or 'home'}-{lang}-375")
        assert horizontal_overflow(page) == [], f"/{lang}{path}"
