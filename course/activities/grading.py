"""Quiz grading: plain functions over a quiz and the learner's responses.

Everything that decides what is right lives here, on the server. The views
only read the form, call these functions and show the result.
"""
import re
import unicodedata
from dataclasses import dataclass

from ..content.models import Question, Quiz
from . import texts

#: Why a response cannot be graded (the views turn these into messages).
MISSING = "missing"
UNKNOWN_OPTION = "unknown-option"
ONE_ONLY = "one-only"
TOO_LONG = "too-long"


def field_name(question_id: str) -> str:
    """The form field that carries the answer to one question."""
    return f"q-{question_id}"


@dataclass(frozen=True)
class Parsed:
    """The responses read from a submitted form.

    `responses` holds a tuple of option ids (choice questions) or the text
    (text questions) for each question answered well; `errors` maps question
    ids to one of the codes above; `kept` is what to put back in the form.
    """

    responses: dict
    errors: dict
    kept: dict


def parse_responses(quiz: Quiz, form) -> Parsed:
    """Read every question's answer from a form (a MultiDict-like `getlist`)."""
    responses, errors, kept = {}, {}, {}
    for question in quiz.questions:
        values = [v for v in form.getlist(field_name(question.id)) if isinstance(v, str)]
        if question.type == "text":
            text = texts.normalise(values[0] if values else "")
            kept[question.id] = text
            if texts.is_blank(text):
                errors[question.id] = MISSING
            elif texts.too_long(text):
                errors[question.id] = TOO_LONG
            else:
                responses[question.id] = text
            continue
        chosen = tuple(dict.fromkeys(v for v in values if v))  # de-duplicated, in order
        valid = {option.id for option in question.options}
        kept[question.id] = tuple(v for v in chosen if v in valid)
        if not chosen:
            errors[question.id] = MISSING
        elif any(v not in valid for v in chosen):
            errors[question.id] = UNKNOWN_OPTION
        elif question.type == "single" and len(chosen) > 1:
            errors[question.id] = ONE_ONLY
        else:
            responses[question.id] = chosen
    return Parsed(responses, errors, kept)


def _normal_words(text: str) -> str:
    """Case, accents' composition, spacing and end punctuation do not matter."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" .,;:!?¡¿\"'«»“”‘’()")


def grade_text(question: Question, answer: str) -> bool | None:
    """True or False where the YAML gives accepted answers or keywords;
    None for a self-assessed question (the learner compares it themselves)."""
    if question.self_assessed:
        return None
    said = _normal_words(answer)
    if any(said == _normal_words(accepted) for accepted in question.accepted_answers):
        return True
    if question.keywords and all(_normal_words(k) in said for k in question.keywords):
        return True
    return False


def grade_question(question: Question, response) -> bool | None:
    if question.type == "text":
        return grade_text(question, response)
    right = {option.id for option in question.options if option.correct}
    return set(response) == right


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    response: object           # tuple of option ids, or text
    correct: bool | None       # None: waits for the learner's own verdict
    self_assessed: bool


@dataclass(frozen=True)
class Score:
    correct_count: int
    question_count: int
    pass_mark: int

    @property
    def percent(self) -> float:
        return 100.0 * self.correct_count / self.question_count if self.question_count else 0.0

    @property
    def passed(self) -> bool:
        # Integer arithmetic: 4 of 5 is exactly 80%, never 79.999...
        return self.correct_count * 100 >= self.pass_mark * self.question_count


def score(correct_flags, pass_mark: int) -> Score:
    """Every question counts once; an answer still waiting for a verdict is not (yet) right."""
    flags = list(correct_flags)
    return Score(sum(1 for flag in flags if flag is True), len(flags), pass_mark)


def grade(quiz: Quiz, responses: dict) -> tuple[tuple[QuestionResult, ...], Score]:
    """Grade a complete set of responses (one per question, as parse_responses gives)."""
    results = tuple(
        QuestionResult(q.id, responses[q.id], grade_question(q, responses[q.id]), q.self_assessed)
        for q in quiz.questions
    )
    return results, score((r.correct for r in results), quiz.pass_mark)
