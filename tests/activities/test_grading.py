"""Grading and completion rules, without HTTP."""
from werkzeug.datastructures import MultiDict

from course.activities import completion, grading, texts
from course.content.models import Lesson, Question, Quiz

SINGLE = Question(id="s", type="single", prompt="Pick one", options=[
    {"id": "a", "text": "A", "correct": True, "feedback": "Yes"}, {"id": "b", "text": "B"}])
MULTIPLE = Question(id="m", type="multiple", prompt="Pick some", options=[
    {"id": "a", "text": "A", "correct": True}, {"id": "b", "text": "B", "correct": True}, {"id": "c", "text": "C"}])
ACCEPTED = Question(id="t", type="text", prompt="Name it", model_answer="Co-ownership.",
                    accepted_answers=["co-ownership", "shared ownership"])
KEYWORDS = Question(id="k", type="text", prompt="Why?", model_answer="They own it and share the profit.",
                    keywords=["own", "profit"])
SELF = Question(id="f", type="text", prompt="Explain", model_answer="Because.")
QUIZ = Quiz(id="demo", title="Demo", questions=[SINGLE, MULTIPLE, ACCEPTED, KEYWORDS, SELF])


def parse(**fields):
    form = MultiDict()
    for name, value in fields.items():
        for v in value if isinstance(value, list) else [value]:
            form.add(f"q-{name}", v)
    return grading.parse_responses(QUIZ, form)


def test_a_complete_form_is_read_into_responses():
    parsed = parse(s="a", m=["b", "a", "b"], t="Co-ownership", k="x", f="My view")
    assert parsed.errors == {}
    assert parsed.responses == {"s": ("a",), "m": ("b", "a"), "t": "Co-ownership", "k": "x", "f": "My view"}


def test_missing_and_blank_answers_are_errors():
    parsed = parse(t="   \n  ", k="", m=[])
    assert parsed.errors == {q: grading.MISSING for q in ("s", "m", "t", "k", "f")}


def test_an_option_of_another_question_is_refused():
    parsed = parse(s="zz", m=["a", "nope"], t="x", k="x", f="x")
    assert parsed.errors == {"s": grading.UNKNOWN_OPTION, "m": grading.UNKNOWN_OPTION}
    assert parsed.kept["m"] == ("a",)  # the valid choice stays ticked


def test_two_choices_for_a_single_choice_question_are_refused():
    assert parse(s=["a", "b"], m="a", t="x", k="x", f="x").errors == {"s": grading.ONE_ONLY}


def test_a_text_over_the_limit_is_refused_and_kept():
    long_text = "x" * (texts.MAX_TEXT_LENGTH + 1)
    parsed = parse(s="a", m="a", t="x", k="x", f=long_text)
    assert parsed.errors == {"f": grading.TOO_LONG}
    assert parsed.kept["f"] == long_text


def test_text_answers_are_graded_by_accepted_answers_or_keywords():
    assert grading.grade_text(ACCEPTED, "  Shared   OWNERSHIP. ") is True
    assert grading.grade_text(ACCEPTED, "ownership") is False
    assert grading.grade_text(KEYWORDS, "Partners OWN the firm and get a share of the Profit") is True
    assert grading.grade_text(KEYWORDS, "They own it") is False
    assert grading.grade_text(SELF, "anything") is None  # the learner judges it


def test_choice_questions_need_exactly_the_right_options():
    assert grading.grade_question(SINGLE, ("a",)) is True
    assert grading.grade_question(SINGLE, ("b",)) is False
    assert grading.grade_question(MULTIPLE, ("a", "b")) is True
    assert grading.grade_question(MULTIPLE, ("a",)) is False
    assert grading.grade_question(MULTIPLE, ("a", "b", "c")) is False


def test_score_and_pass_mark():
    results, score = grading.grade(QUIZ, {"s": ("a",), "m": ("a", "b"), "t": "co-ownership",
                                          "k": "own profit", "f": "mine"})
    assert [r.correct for r in results] == [True, True, True, True, None]
    assert (score.correct_count, score.question_count) == (4, 5)
    assert score.percent == 80.0 and score.passed  # exactly the default pass mark
    assert not grading.score([True, True, False, False, None], 80).passed
    assert grading.score([True, False], 50).passed
    assert grading.score([], 80).percent == 0.0


def test_a_lesson_is_done_when_its_required_activities_are():
    lesson = Lesson(id="l", title="L", summary="S", minutes=5, learning_outcomes=["Finish the activities."], blocks=[
        {"type": "reflection", "id": "r", "title": "R", "prompts": [{"id": "p1", "label": "1"}, {"id": "p2", "label": "2"}]},
        {"type": "reflection", "id": "opt", "title": "O", "required": False, "prompts": [{"id": "p", "label": "P"}]},
        {"type": "quiz", "id": "qb", "quiz": "demo"},
    ])
    assert not completion.required_done(lesson, {("r", "p1")}, {"demo"})
    assert not completion.required_done(lesson, {("r", "p1"), ("r", "p2")}, set())
    assert completion.required_done(lesson, {("r", "p1"), ("r", "p2")}, {"demo"})  # the optional one is not needed
