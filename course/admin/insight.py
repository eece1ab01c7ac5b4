"""Quiz insight and module feedback: aggregates over every learner."""
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from ..content import CourseView
from ..extensions import db
from ..models import ModuleFeedback, QuizAnswer, QuizAttempt, Role, User


@dataclass(frozen=True)
class QuestionStats:
    question: object      # content Question
    answered: int         # learners who answered it in any attempt
    judged: int           # first attempts with a verdict (self-assessment may be pending)
    right_first: int      # of those, right

    @property
    def share_right(self) -> float | None:
        return self.right_first / self.judged if self.judged else None


@dataclass(frozen=True)
class QuizStats:
    quiz: object          # content Quiz
    module: object        # ModuleView
    final: bool
    learners: int
    attempts: int
    passed: int           # learners who passed at least once
    questions: tuple

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.learners if self.learners else None


def course_quizzes(view: CourseView):
    """(quiz, module, is final) in course order: lesson quizzes, then the module quiz."""
    for module in view.modules:
        seen = set()
        for ref in module.published_lessons():
            for block in ref.lesson.activities:
                if block.type == "quiz" and block.quiz not in seen:
                    seen.add(block.quiz)
                    found = view.quiz(block.quiz)
                    if found:
                        yield found[0], module, False
        yield module.final_quiz, module, True


def quiz_counts() -> dict[str, dict]:
    """Per quiz id: learners who took it, attempts, learners who passed, and per
    question id [learners who answered, first attempts judged, right at the first]."""
    learner = select(User.id).where(User.role == Role.LEARNER)
    # Each learner's attempts, the first one per quiz marked (a window function:
    # SQLite and PostgreSQL both have it). The answers are joined to these rows
    # through their (attempt_id, question_id) index, so the work grows with the
    # number of answers, not with answers times attempts.
    first_of_quiz = func.row_number().over(partition_by=(QuizAttempt.user_id, QuizAttempt.quiz_id),
                                           order_by=QuizAttempt.id)
    attempts = (select(QuizAttempt.id, QuizAttempt.quiz_id, QuizAttempt.user_id,
                       case((first_of_quiz == 1, 1), else_=0).label("first"))
                .where(QuizAttempt.user_id.in_(learner)).subquery("attempts"))
    is_first = attempts.c.first == 1
    counts: dict[str, dict] = {}
    for quiz_id, learners, tries, passed in db.session.execute(
        select(
            QuizAttempt.quiz_id,
            func.count(func.distinct(QuizAttempt.user_id)),
            func.count(QuizAttempt.id),
            func.count(func.distinct(case((QuizAttempt.passed, QuizAttempt.user_id)))),
        ).where(QuizAttempt.user_id.in_(learner)).group_by(QuizAttempt.quiz_id)
    ):
        counts[quiz_id] = {"learners": learners, "attempts": tries, "passed": passed, "questions": {}}
    for quiz_id, question_id, answered, judged, right in db.session.execute(
        select(
            attempts.c.quiz_id, QuizAnswer.question_id,
            func.count(func.distinct(attempts.c.user_id)),
            func.sum(case((and_(is_first, QuizAnswer.correct.is_not(None)), 1), else_=0)),
            func.sum(case((and_(is_first, QuizAnswer.correct.is_(True)), 1), else_=0)),
        )
        .select_from(attempts)
        .join(QuizAnswer, QuizAnswer.attempt_id == attempts.c.id)
        .group_by(attempts.c.quiz_id, QuizAnswer.question_id)
    ):
        quiz = counts.setdefault(quiz_id, {"learners": 0, "attempts": 0, "passed": 0, "questions": {}})
        quiz["questions"][question_id] = [answered, judged or 0, right or 0]
    return counts


def quiz_stats(view: CourseView, counts: dict[str, dict] | None = None) -> list[QuizStats]:
    """Per quiz and question of `view`: learners who answered, share right at
    the first attempt (from `counts`, as quiz_counts gives them; default:
    counted now). A quiz or question the counts do not know has zeros."""
    counts = quiz_counts() if counts is None else counts
    result = []
    for quiz, module, final in course_quizzes(view):
        found = counts.get(quiz.id, {})
        questions = found.get("questions", {})
        stats = tuple(QuestionStats(q, *questions.get(q.id, (0, 0, 0))) for q in quiz.questions)
        result.append(QuizStats(quiz, module, final, found.get("learners", 0), found.get("attempts", 0),
                                found.get("passed", 0), stats))
    return result


@dataclass(frozen=True)
class FeedbackSummary:
    module: object        # ModuleView
    count: int
    average: float | None
    ratings: dict         # rating 1-5 -> count


def feedback_summary(view: CourseView) -> list[FeedbackSummary]:
    """Per module: how many ratings, their average and spread."""
    rows = db.session.execute(
        select(ModuleFeedback.module_id, ModuleFeedback.rating, func.count())
        .group_by(ModuleFeedback.module_id, ModuleFeedback.rating)).all()
    by_module: dict = {}
    for module_id, rating, count in rows:
        by_module.setdefault(module_id, {})[rating] = count
    result = []
    for module in view.modules:
        ratings = {r: by_module.get(module.id, {}).get(r, 0) for r in range(1, 6)}
        count = sum(ratings.values())
        average = sum(r * n for r, n in ratings.items()) / count if count else None
        result.append(FeedbackSummary(module, count, average, ratings))
    return result


def feedback_query(module_id: str | None = None):
    """Feedback entries with their learner, newest first."""
    stmt = (select(ModuleFeedback, User).join(User, User.id == ModuleFeedback.user_id)
            .order_by(ModuleFeedback.created_at.desc(), ModuleFeedback.id.desc()))
    if module_id:
        stmt = stmt.where(ModuleFeedback.module_id == module_id)
    return stmt
