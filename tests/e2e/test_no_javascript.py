"""With JavaScript off, the core journey still works: every form posts and every page reads."""
import re

import pytest
from babel.dates import get_day_names
from playwright.sync_api import expect

from .helpers import LESSON_WITH_DETAILS, MODULE_1, register

pytestmark = pytest.mark.e2e

LANG = "it"


@pytest.fixture
def page(new_context):
    context = new_context(java_script_enabled=False, timezone_id="Europe/Rome")
    return context.new_page()


def test_core_journey_without_javascript(page, live_server):
    tr = lambda message, **kw: live_server.tr(LANG, message, **kw)  # noqa: E731
    course = live_server.course(LANG)
    # Scripts really are off: the browser's time zone (Europe/Rome) is not preselected.
    page.goto(f"/{LANG}/register")
    expect(page.get_by_label(tr("Time zone"))).to_have_value("UTC")

    register(page, live_server, LANG)
    page.get_by_role("link", name=re.compile(re.escape(course.module(MODULE_1).module.title))).first.click()
    page.get_by_role("link", name=course.lesson(LESSON_WITH_DETAILS).lesson.title, exact=True).click()
    expect(page.locator(".js-listen")).to_be_hidden()  # "Listen" needs JavaScript: not offered without it

    details = page.locator("details.block").first
    details.locator("summary").click()
    expect(details.locator(".details-body")).to_be_visible()

    page.locator(".lang-switch a[hreflang=pl]").click()
    expect(page).to_have_url(re.compile(rf"/pl/modules/{MODULE_1}/{LESSON_WITH_DETAILS}$"))
    page.locator(f".lang-switch a[hreflang={LANG}]").click()

    page.get_by_role("button", name=tr("Mark as complete"), exact=True).click()
    expect(page.get_by_role("button", name=tr("Mark as not done"))).to_be_visible()
    expect(page.locator("#progress progress")).not_to_have_attribute("value", "0")

    # A reflection, saved by posting the form.
    page.goto(f"/{LANG}/modules/{MODULE_1}/delivering-excellent-service")
    block = next(b for b in course.lesson("delivering-excellent-service").lesson.blocks if b.type == "reflection")
    section = page.locator(f"#b-{block.id}")
    section.get_by_label(block.prompts[0].label, exact=True).fill("Un acquisto in libreria.")
    section.get_by_role("button", name=tr("Save answers")).click()
    expect(page.locator(".flash-success")).to_have_text(tr("Your answers have been saved."))
    page.reload()
    expect(page.locator(f"#b-{block.id}").get_by_label(block.prompts[0].label, exact=True)).to_have_value("Un acquisto in libreria.")

    # The John Lewis quiz, all answers right.
    quiz, _module = course.quiz("john-lewis")
    page.goto(f"/{LANG}/modules/{MODULE_1}/john-lewis-partnership-case-study")
    for question in quiz.questions:
        for option in question.options:
            if option.correct:
                page.locator(f'input[name="q-{question.id}"][value="{option.id}"]').check()
    page.locator(".block-quiz").get_by_role("button", name=tr("Submit answers")).click()
    expect(page.locator(".score")).to_contain_text(live_server.percent(LANG, 1))

    # Reminders: each - and + button is a plain submit button.
    page.goto(f"/{LANG}/reminders/")
    monday = str(get_day_names("wide", locale=LANG)[0]).capitalize()
    saturday = str(get_day_names("wide", locale=LANG)[5]).capitalize()
    page.get_by_role("checkbox", name=saturday, exact=True).check()
    page.get_by_role("button", name=tr("Save"), exact=True).click()
    expect(page.locator(".flash-success")).to_have_text(tr("Your reminders have been saved."))
    later = page.get_by_role("button", name=tr("%(day)s: 30 minutes later", day=monday), exact=True)
    monday_time = page.get_by_label(tr("Time on %(day)s", day=monday), exact=True)
    for expected in ("07:30", "08:00", "08:30"):
        later.click()
        expect(monday_time).to_have_value(expected)
    page.reload()
    expect(monday_time).to_have_value("08:30")
    expect(page.get_by_role("checkbox", name=saturday, exact=True)).to_be_checked()

    # Sign out (a form, too).
    page.get_by_role("button", name=tr("Sign out")).click()
    expect(page.locator(".flash")).to_have_text(tr("You have signed out."))


def test_with_javascript_the_time_zone_is_preselected(new_context, live_server):
    """The other side of the check above: aula.js does run when scripts are on (the CSP allows it)."""
    page = new_context(timezone_id="Europe/Rome").new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"/{LANG}/register")
    expect(page.get_by_label(live_server.tr(LANG, "Time zone"))).to_have_value("Europe/Rome")
    assert errors == []
