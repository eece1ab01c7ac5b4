"""Quiz attempts: recording, reading and self-assessing them."""
import json
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from ..content.models import Quiz
from ..extensions import db
from ..models import QuizAnswer, QuizAttempt
from . import grading

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_token() -> str:
    """A one-time token for a quiz form: submitting it twice records one attempt."""
    return secrets.token_urlsafe(24)


def valid_token(token: str | None) -> bool:
    return bool(token and _TOKEN.match(token))


def attempt_by_token(user_id: int, token: str) -> QuizAttempt | None:
    return db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == user_id, QuizAttempt.submission_token == token))


def record_attempt(user_id: int, quiz: Quiz, module_id: str, lang: str, token: str,
                   responses: dict) -> tuple[QuizAttempt, bool]:
    """Grade and store an attempt; (attempt, False) when this token was already used."""
    existing = attempt_by_token(user_id, token)
    if existing is not None:
        return existing, False
    results, result_score = grading.grade(quiz, responses)
    attempt = QuizAttempt(
        user_id=user_id, module_id=module_id, quiz_id=quiz.id, lang=lang, submission_token=token,
        score=result_score.percent, correct_count=result_score.correct_count,
        question_count=result_score.question_count, passed=result_score.passed,
    )
    for result in results:
        response = list(result.response) if isinstance(result.response, tuple) else result.response
        attempt.answers.append(QuizAnswer(question_id=result.question_id, response=json.dumps(response),
                                          correct=result.correct, self_assessed=result.self_assessed))
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:  # the same form sent twice at the same moment
        db.session.rollback()
        existing = attempt_by_token(user_id, token)
        if existing is None:
            raise
        return existing, False
    return attempt, True


def get_attempt(user_id: int, quiz_id: str, attempt_id: int) -> QuizAttempt | None:
    """One of the learner's own attempts; None for anyone else's."""
    return db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.id == attempt_id, QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz_id))


def submitted_quizzes(user_id: int) -> set[str]:
    """The ids of every quiz the learner has submitted at least once."""
    return set(db.session.scalars(select(QuizAttempt.quiz_id).where(QuizAttempt.user_id == user_id).distinct()))


def response_of(answer: QuizAnswer):
    """What the learner answered: a tuple of option ids, or text."""
    try:
        value = json.loads(answer.response)
    except (TypeError, ValueError):
        return ""
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return value if isinstance(value, str) else ""


def set_verdict(attempt: QuizAttempt, question_id: str, correct: bool, pass_mark: int) -> bool:
    """The learner's own verdict on a self-assessed answer; the score follows.

    Returns False when there is no such answer waiting for a verdict.
    """
    answer = next((a for a in attempt.answers if a.question_id == question_id), None)
    if answer is None or not answer.self_assessed or answer.correct is not None:
        return False
    answer.correct = bool(correct)
    result = grading.score((a.correct for a in attempt.answers), pass_mark)
    attempt.correct_count = result.correct_count
    attempt.question_count = result.question_count
    attempt.score = result.percent
    attempt.passed = result.passed
    db.session.commit()
    return True


@dataclass(frozen=True)
class History:
    attempts: list

    @property
    def count(self) -> int:
        return len(self.attempts)

    @property
    def best(self) -> QuizAttempt | None:
        return max(self.attempts, key=lambda a: (a.score, -a.id), default=None)

    @property
    def latest(self) -> QuizAttempt | None:
        return self.attempts[0] if self.attempts else None

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    def number_of(self, attempt_id: int) -> int:
        """1 for the learner's first attempt, 2 for the second..."""
        return self.count - [a.id for a in self.attempts].index(attempt_id)


#: What a History reads of each attempt, newest first: plain rows (the quiz block
#: and the module page of every signed-in learner ask for it).
_attempt_columns = QuizAttempt.__table__.c
_HISTORY = (select(_attempt_columns.id, _attempt_columns.score, _attempt_columns.passed, _attempt_columns.submitted_at)
            .where(_attempt_columns.user_id == bindparam("user_id"), _attempt_columns.quiz_id == bindparam("quiz_id"))
            .order_by(_attempt_columns.submitted_at.desc(), _attempt_columns.id.desc()))


def history(user_id: int, quiz_id: str) -> History:
    """The learner's attempts at a quiz (id, score, passed, submitted_at), newest first."""
    rows = db.session.connection().execute(_HISTORY, {"user_id": user_id, "quiz_id": quiz_id}).all()
    return History(rows)


@dataclass(frozen=True)
class ReviewItem:
    """One question of a submitted attempt, as the results page shows it."""

    question: object               # content.models.Question, in the reader's language
    response: object               # tuple of option ids, or text
    correct: bool | None
    self_assessed: bool

    @property
    def pending(self) -> bool:
        return self.self_assessed and self.correct is None

    @property
    def chosen(self) -> tuple:
        return tuple(o for o in self.question.options if o.id in (self.response or ()))


def review(quiz: Quiz, attempt: QuizAttempt) -> list[ReviewItem]:
    """The attempt's answers against the quiz as it reads now (any language: the ids match).

    Questions added to the quiz after the attempt are left out.
    """
    by_question = {a.question_id: a for a in attempt.answers}
    items = []
    for question in quiz.questions:
        answer = by_question.get(question.id)
        if answer is not None:
            items.append(ReviewItem(question, response_of(answer), answer.correct, answer.self_assessed))
    return items
