"""The whole learner journey with the keyboard alone, with a visible focus at every stop."""
import re

import pytest
from babel.dates import get_day_names
from playwright.sync_api import expect

from .helpers import LESSON_WITH_DETAILS, MODULE_1, PASSWORD, Keyboard, confirmation_link, unique_email

pytestmark = pytest.mark.e2e

LANG = "es"


@pytest.mark.browser_context_args(locale="es-ES")
def test_keyboard_only_journey(page, live_server):
    tr = lambda message, **kw: live_server.tr(LANG, message, **kw)  # noqa: E731
    course = live_server.course(LANG)
    lesson = course.lesson(LESSON_WITH_DETAILS).lesson
    keys = Keyboard(page)
    main = page.locator("main")

    # Register.
    page.goto(f"/{LANG}/")
    keys.activate(page.get_by_role("link", name=tr("Create an account")))
    expect(page).to_have_url(re.compile(rf"/{LANG}/register"))
    keys.skip_to_main()
    keys.type_into(page.get_by_label(tr("Your name")), "Teclado Solo")
    address = unique_email("keyboard")
    keys.type_into(page.get_by_label(tr("Email address")), address)
    keys.type_into(page.get_by_label(tr("Password"), exact=True), PASSWORD)
    keys.activate(page.get_by_role("button", name=tr("Create my account")))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("Check your email"))
    page.goto(confirmation_link(live_server, address))  # the link in the email (an email client is no page to test)
    expect(page.locator(".flash-success")).to_contain_text("Teclado Solo")

    # Open module 1, then a lesson, and expand a "click to read" section.
    keys.skip_to_main()
    keys.activate(main.get_by_role("link", name=re.compile(re.escape(course.module(MODULE_1).module.title))))
    expect(page).to_have_url(re.compile(rf"/modules/{MODULE_1}$"))
    keys.skip_to_main()
    keys.activate(main.get_by_role("link", name=lesson.title, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    details = page.locator("details.block").first
    keys.skip_to_main()
    keys.activate(details.locator("summary"))
    expect(details).to_have_attribute("open", "")
    expect(details.locator(".details-body")).to_be_visible()

    # Switch language and back, staying on the lesson.
    keys.activate(page.locator(".lang-switch a[hreflang=it]"))
    expect(page).to_have_url(re.compile(rf"/it/modules/{MODULE_1}/{LESSON_WITH_DETAILS}$"))
    keys.activate(page.locator(".lang-switch a[hreflang=es]"))
    expect(page).to_have_url(re.compile(rf"/{LANG}/modules/{MODULE_1}/{LESSON_WITH_DETAILS}$"))

    # Mark it complete.
    keys.skip_to_main()
    keys.activate(page.get_by_role("button", name=tr("Mark as complete"), exact=True))
    expect(page.get_by_role("button", name=tr("Mark as not done"))).to_be_visible()
    expect(page.locator("#progress progress")).not_to_have_attribute("value", "0")

    # Back to the module (breadcrumbs), on to the reflection lesson, and answer the first exercise.
    breadcrumbs = page.get_by_role("navigation", name=tr("Breadcrumbs"))
    keys.skip_to_main()
    keys.activate(breadcrumbs.get_by_role("link", name=course.module(MODULE_1).module.title))
    keys.skip_to_main()
    keys.activate(main.get_by_role("link", name=course.lesson("delivering-excellent-service").lesson.title, exact=True))
    reflection = next(b for b in course.lesson("delivering-excellent-service").lesson.blocks if b.type == "reflection")
    section = page.locator(f"#b-{reflection.id}")
    keys.skip_to_main()
    for n, prompt in enumerate(reflection.prompts, 1):
        keys.type_into(section.get_by_label(prompt.label, exact=True), f"Respuesta {n}")
    keys.activate(section.get_by_role("button", name=tr("Save answers")))
    expect(section.get_by_role("status")).to_have_text(tr("Saved"))

    # On to the John Lewis case study and its quiz: arrow keys for one answer, space for several.
    keys.skip_to_main()
    keys.activate(breadcrumbs.get_by_role("link", name=course.module(MODULE_1).module.title))
    keys.skip_to_main()
    keys.activate(main.get_by_role("link", name=course.lesson("john-lewis-partnership-case-study").lesson.title, exact=True))
    keys.skip_to_main()
    quiz, _module = course.quiz("john-lewis")
    for question in quiz.questions:
        inputs = page.locator(f'input[name="q-{question.id}"]')
        right = [i for i, o in enumerate(question.options) if o.correct]
        if question.type == "single":
            keys.tab_to(inputs.nth(0))
            for _ in range(right[0]):
                page.keyboard.press("ArrowDown")
            if right[0] == 0:
                page.keyboard.press("Space")
            expect(inputs.nth(right[0])).to_be_checked()
        else:
            for i in right:
                keys.activate(inputs.nth(i), "Space")
                expect(inputs.nth(i)).to_be_checked()
    keys.activate(page.locator(".block-quiz").get_by_role("button", name=tr("Submit answers")))
    expect(page.locator(".score")).to_contain_text(live_server.percent(LANG, 1))

    # Reminders: Monday half an hour later, Saturday on; both kept after reloading the page.
    keys.activate(page.get_by_role("navigation", name=tr("Main")).get_by_role("link", name=tr("Reminders")))
    saturday = str(get_day_names("wide", locale=LANG)[5]).capitalize()
    monday = str(get_day_names("wide", locale=LANG)[0]).capitalize()
    keys.skip_to_main()
    keys.activate(page.get_by_role("button", name=tr("%(day)s: 30 minutes later", day=monday), exact=True))
    expect(page.get_by_label(tr("Time on %(day)s", day=monday), exact=True)).to_have_value("07:30")
    keys.activate(page.get_by_role("checkbox", name=saturday, exact=True), "Space")
    expect(page.locator(".reminder-status")).to_have_text(tr("Your reminders have been saved."))
    page.reload()
    expect(page.get_by_label(tr("Time on %(day)s", day=monday), exact=True)).to_have_value("07:30")
    expect(page.get_by_role("checkbox", name=saturday, exact=True)).to_be_checked()

    # Sign out.
    keys.activate(page.get_by_role("button", name=tr("Sign out")))
    expect(page.locator(".flash")).to_have_text(tr("You have signed out."))

    assert keys.invisible == [], "focus not visible"
    assert keys.stops > 20
