"""Autosave in a real browser: saved while typing, a failed save shown and
retried, an over-long answer explained and kept, notes too."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e

M1 = "external-customers"
LESSON = "delivering-excellent-service"
SAVE_URL = re.compile(r"/reflections/face-to-face$")


def answers(server, email, prompt_id):
    rows = server.query("SELECT a.text FROM reflection_answers a JOIN users u ON u.id = a.user_id "
                        "WHERE u.email = :e AND a.prompt_id = :p", e=email, p=prompt_id)
    return [r[0] for r in rows]


@pytest.fixture
def failing_network_page(blank_page):
    """A page whose console may report the failed requests this test causes on purpose."""
    return blank_page


def test_answers_are_saved_while_typing_and_retried(failing_network_page, live_server):
    page = failing_network_page
    email = live_server.make_user(lang="it")
    sign_in(page, live_server, email, lang="it")
    page.goto(f"/it/modules/{M1}/{LESSON}")
    blocks = live_server.course("it").lesson(LESSON).lesson.blocks
    face = next(b for b in blocks if b.id == "face-to-face")
    section = page.locator("#b-face-to-face")
    status = section.get_by_role("status")

    # Typing is enough: no button press.
    section.get_by_label(face.prompts[0].label, exact=True).press_sequentially("Un acquisto", delay=20)
    expect(status).to_have_text(live_server.tr("it", "Saved"))
    assert answers(live_server, email, face.prompts[0].id) == ["Un acquisto"]

    # The network fails: the learner is told, and the save is retried when it comes back.
    failing = {"count": 0}

    def fail(route):
        failing["count"] += 1
        route.abort()

    page.route(SAVE_URL, fail)
    situation = section.get_by_label(face.prompts[1].label, exact=True)
    situation.fill("Alla cassa del supermercato")
    expect(status).to_have_text(live_server.tr("it", "Not saved, retrying…"))
    assert answers(live_server, email, face.prompts[1].id) == []
    page.unroute(SAVE_URL)
    expect(status).to_have_text(live_server.tr("it", "Saved"), timeout=15_000)
    assert failing["count"] >= 1
    assert answers(live_server, email, face.prompts[1].id) == ["Alla cassa del supermercato"]
    expect(situation).to_have_value("Alla cassa del supermercato")

    # Too long: explained, marked invalid, and the text stays in the box.
    long_text = "x" * 10_001
    behaviours = section.get_by_label(face.prompts[2].label, exact=True)
    behaviours.fill(long_text)
    expect(status).to_contain_text("10.000")  # the limit, written the Italian way
    expect(behaviours).to_have_attribute("aria-invalid", "true")
    expect(behaviours).to_have_value(long_text)
    assert answers(live_server, email, face.prompts[2].id) == []
    behaviours.fill("Gentile e veloce")
    expect(status).to_have_text(live_server.tr("it", "Saved"))
    expect(behaviours).not_to_have_attribute("aria-invalid", "true")

    # After a reload, everything typed is there.
    page.reload()
    expect(page.locator("#b-face-to-face").get_by_label(face.prompts[2].label, exact=True)).to_have_value("Gentile e veloce")


def test_notes_are_saved_while_typing(page, live_server):
    email = live_server.make_user(lang="es")
    sign_in(page, live_server, email, lang="es")
    page.goto(f"/es/modules/{M1}/{LESSON}")
    box = page.locator("#notes")
    box.get_by_label(live_server.tr("es", "Private notes on this lesson")).fill("Repasar la red de servicio")
    expect(box.get_by_role("status")).to_have_text(live_server.tr("es", "Saved"))
    rows = live_server.query("SELECT n.text FROM notes n JOIN users u ON u.id = n.user_id WHERE u.email = :e", e=email)
    assert [r[0] for r in rows] == ["Repasar la red de servicio"]
    page.goto("/es/my/notes")
    expect(page.locator("main")).to_contain_text("Repasar la red de servicio")


def test_activity_pages_are_accessible(page, live_server):
    """WCAG 2.1 AA on the pages this area adds, errors and self-assessment included."""
    from tests.e2e.helpers import assert_accessible

    email = live_server.make_user(lang="pl")
    sign_in(page, live_server, email, lang="pl")
    tr = lambda message: live_server.tr("pl", message)  # noqa: E731

    # A quiz sent with a question unanswered: the errors are tied to the questions.
    page.goto("/pl/quizzes/customer-needs-self-check")
    page.locator("main form.quiz-form").get_by_role("button", name=tr("Submit answers")).click()
    expect(page.locator(".form-errors")).to_be_visible()
    assert_accessible(page, "quiz with errors")

    # Answer everything; the free-text answer waits for the learner's verdict.
    quiz, _ = live_server.course("pl").quiz("customer-needs-self-check")
    for q in quiz.questions:
        if q.type == "text":
            page.locator(f'textarea[name="q-{q.id}"]').fill("Moja odpowiedź")
        else:
            page.locator(f'input[name="q-{q.id}"][value="{q.options[0].id}"]').check()
    page.locator("main form.quiz-form").get_by_role("button", name=tr("Submit answers")).click()
    expect(page.locator(".verdict-form")).to_be_visible()
    assert_accessible(page, "results waiting for a verdict")
    page.get_by_role("button", name=tr("Yes, I got it")).click()
    expect(page.locator(".verdict-form")).to_have_count(0)

    # The exercise's own page, and the feedback form with an error.
    page.goto(f"/pl/modules/{M1}/{LESSON}/reflections/face-to-face")
    assert_accessible(page, "reflection page")
    page.goto("/pl/modules/external-customers/feedback")
    page.get_by_role("button", name=tr("Send feedback")).click()
    expect(page.locator("#rating-error")).to_be_visible()
    assert_accessible(page, "feedback with an error")
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name=tr("Send feedback")).click()
    for url in ("/pl/my/reflections", "/pl/my/notes", f"/pl/modules/{M1}"):
        page.goto(url)
        assert_accessible(page, url)
