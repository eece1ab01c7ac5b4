"""Activities in the browser, in each language: a reflection kept across reloads, the John Lewis quiz."""
import re

import pytest
from playwright.sync_api import expect

from .helpers import LANGS, MODULE_1, assert_accessible, register

pytestmark = pytest.mark.e2e

REFLECTION_LESSON = "delivering-excellent-service"
QUIZ_LESSON = "john-lewis-partnership-case-study"


@pytest.mark.parametrize("lang", LANGS)
def test_reflection_is_kept(page, live_server, lang):
    tr = live_server.tr
    course = live_server.course(lang)
    lesson = course.lesson(REFLECTION_LESSON).lesson
    block = next(b for b in lesson.blocks if b.type == "reflection")
    register(page, live_server, lang)

    page.get_by_role("link", name=re.compile(re.escape(course.module(MODULE_1).module.title))).first.click()
    page.get_by_role("link", name=lesson.title, exact=True).click()
    section = page.locator(f"#b-{block.id}")
    expect(section.get_by_role("heading", level=2)).to_contain_text(block.title)
    answers = {p.id: f"{lang}: {p.label[:30]} - answer {n}" for n, p in enumerate(block.prompts, 1)}
    for prompt in block.prompts:
        section.get_by_label(prompt.label, exact=True).fill(answers[prompt.id])
    section.get_by_role("button", name=tr(lang, "Save answers")).click()
    expect(section.get_by_role("status")).to_have_text(tr(lang, "Saved"))

    page.reload()
    section = page.locator(f"#b-{block.id}")
    for prompt in block.prompts:
        expect(section.get_by_label(prompt.label, exact=True)).to_have_value(answers[prompt.id])
    expect(section.locator(".badge.done")).to_have_text(tr(lang, "Done"))

    # The learner finds it again on "My reflections".
    page.get_by_role("link", name=tr(lang, "My reflections"), exact=True).click()
    expect(page.locator("main")).to_contain_text(block.title)
    expect(page.locator("main")).to_contain_text(answers[block.prompts[0].id])
    assert_accessible(page, f"my reflections ({lang})")


def _choose(page, quiz, plan):
    """Answer each question: True = the right options, False = a wrong one."""
    for question in quiz.questions:
        right = [o.id for o in question.options if o.correct]
        wrong = [o.id for o in question.options if not o.correct]
        chosen = right if plan[question.id] else wrong[:1]
        for option_id in chosen:
            page.locator(f'input[name="q-{question.id}"][value="{option_id}"]').check()
    return [q for q in quiz.questions if not plan[q.id]]


@pytest.mark.parametrize("lang", LANGS)
def test_john_lewis_quiz(page, live_server, lang):
    tr = live_server.tr
    course = live_server.course(lang)
    quiz, _ = course.quiz("john-lewis")
    lesson = course.lesson(QUIZ_LESSON).lesson
    register(page, live_server, lang)
    page.goto(f"/{lang}/modules/{MODULE_1}/{QUIZ_LESSON}")
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    block = page.locator(".block-quiz")
    expect(block.get_by_role("heading", level=2)).to_contain_text(quiz.title)
    assert_accessible(page, f"quiz form ({lang})")

    # Three right, two wrong: 60%, below the pass mark of 80%.
    plan = {q.id: n < 3 for n, q in enumerate(quiz.questions)}
    missed = _choose(page, quiz, plan)
    block.get_by_role("button", name=tr(lang, "Submit answers")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(quiz.title)
    right = sum(plan.values())
    expect(page.locator(".score")).to_have_text(tr(
        lang, "Your score: %(score)s (%(right)s of %(total)s right)",
        score=live_server.percent(lang, right / len(quiz.questions)), right=right, total=len(quiz.questions)))
    expect(page.locator(".result-summary")).to_contain_text(
        tr(lang, "The pass mark is %(mark)s. Read the feedback below, then try again whenever you are ready.",
           mark=live_server.percent(lang, quiz.pass_mark / 100)))
    # Feedback on every answer: the wrong choice is explained and the right answer shown.
    for question in missed:
        item = page.locator(f"#q-{question.id}")
        expect(item).to_have_class(re.compile(r"\bwrong\b"))
        expect(item.locator(".verdict")).to_contain_text(tr(lang, "Not right."))
        expect(item.locator("li.chosen .option-feedback")).to_be_visible()
        expect(item.locator("li.right-option")).to_have_count(sum(o.correct for o in question.options))
    assert_accessible(page, f"quiz results ({lang})")

    # Try again, all right this time: passed.
    page.get_by_role("link", name=tr(lang, "Try again")).click()
    _choose(page, quiz, {q.id: True for q in quiz.questions})
    page.locator("main form.quiz-form").get_by_role("button", name=tr(lang, "Submit answers")).click()
    expect(page.locator(".score")).to_contain_text(live_server.percent(lang, 1))
    expect(page.locator(".result-summary .badge.done")).to_have_text(tr(lang, "Passed"))
    expect(page.locator(".review-item.wrong")).to_have_count(0)
