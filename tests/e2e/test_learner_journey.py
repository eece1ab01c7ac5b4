"""The learner's journey through the foundation, in each of the four languages."""
import re

import pytest
from playwright.sync_api import expect

from .helpers import LANGS, LESSON_WITH_DETAILS, MODULE_1, progress_value, register, sign_in

pytestmark = pytest.mark.e2e


def other_language(lang: str) -> str:
    return LANGS[(LANGS.index(lang) + 1) % len(LANGS)]


@pytest.mark.parametrize("lang", LANGS)
def test_learner_journey(page, live_server, lang):
    tr = live_server.tr
    course = live_server.course(lang)
    module = course.module(MODULE_1)
    lesson = course.lesson(LESSON_WITH_DETAILS).lesson

    register(page, live_server, lang)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("progressbar", name=tr(lang, "Your progress through the course"))).to_have_attribute("value", "0")

    # Open module 1 from the course page.
    page.get_by_role("link", name=re.compile(re.escape(module.module.title))).first.click()
    expect(page).to_have_url(re.compile(rf"/{lang}/modules/{MODULE_1}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(module.module.title)
    expect(page.get_by_role("heading", name=tr(lang, "What you will learn"))).to_be_visible()

    # Read a lesson.
    page.get_by_role("link", name=lesson.title, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/{lang}/modules/{MODULE_1}/{LESSON_WITH_DETAILS}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    expect(page.locator("article.lesson")).to_have_attribute("lang", lang)

    # Expand a "click to read" section.
    details = page.locator("details.block").first
    body = details.locator(".details-body")
    expect(body).to_be_hidden()
    details.locator("summary").click()
    expect(details).to_have_attribute("open", "")
    expect(body).to_be_visible()

    # Switch language and stay on the same lesson, then come back.
    other = other_language(lang)
    page.locator(f".lang-switch a[hreflang={other}]").click()
    expect(page).to_have_url(re.compile(rf"/{other}/modules/{MODULE_1}/{LESSON_WITH_DETAILS}$"))
    expect(page.locator("html")).to_have_attribute("lang", other)
    expect(page.get_by_role("heading", level=1)).to_have_text(live_server.course(other).lesson(LESSON_WITH_DETAILS).lesson.title)
    page.locator(f".lang-switch a[hreflang={lang}]").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/modules/{MODULE_1}/{LESSON_WITH_DETAILS}$"))
    expect(page.locator(f".lang-switch a[hreflang={lang}]")).to_have_attribute("aria-current", "true")

    # Mark it complete and see the progress change.
    module_bar = page.get_by_role("progressbar", name=tr(lang, "Your progress in this module"))
    expect(module_bar).to_have_attribute("value", "0")
    page.get_by_role("button", name=tr(lang, "Mark as complete"), exact=True).click()
    expect(page.locator("#progress")).to_contain_text(tr(lang, "You have completed this lesson."))
    expect(page.get_by_role("button", name=tr(lang, "Mark as not done"))).to_be_visible()
    expect(module_bar).not_to_have_attribute("value", "0")
    in_module = progress_value(page, "#progress")

    # The module page and the course page show the same progress.
    page.get_by_role("navigation", name=tr(lang, "Breadcrumbs")).get_by_role("link", name=module.module.title).click()
    expect(page.locator(".lesson-list li.done")).to_have_count(1)
    expect(page.locator(".lesson-list li.done a")).to_have_text(lesson.title)
    assert progress_value(page) == in_module
    page.get_by_role("link", name=tr(lang, "Course"), exact=True).click()
    expect(page.get_by_role("progressbar", name=tr(lang, "Your progress in module %(n)s", n=1))).to_have_attribute("value", str(in_module))
    assert progress_value(page) > 0
    expect(page.get_by_role("link", name=re.compile(re.escape(tr(lang, "Continue where you left off"))))).to_be_visible()


def test_sign_out_and_back_in_keeps_progress(page, live_server):
    email = register(page, live_server, "en")
    page.goto(f"/en/modules/{MODULE_1}/{LESSON_WITH_DETAILS}")
    page.get_by_role("button", name="Mark as complete", exact=True).click()
    expect(page.get_by_role("button", name="Mark as not done")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".flash")).to_have_text("You have signed out.")
    expect(page.get_by_role("progressbar")).to_have_count(0)

    sign_in(page, live_server, email)
    page.goto(f"/en/modules/{MODULE_1}")
    expect(page.locator(".lesson-list li.done")).to_have_count(1)


def test_wrong_password_is_refused_and_keeps_the_email(page, live_server):
    email = live_server.make_user()
    page.goto("/en/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill("not the password")
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value(email)
    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(re.compile("not right"))
