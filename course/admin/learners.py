"""Finding accounts, and what one learner has done (never what they wrote)."""
from dataclasses import dataclass

from sqlalchemy import or_, select

from ..activities.completion import activity_done
from ..activities.texts import not_blank_sql
from ..content import CourseView
from ..extensions import db
from ..models import LessonProgress, QuizAttempt, ReflectionAnswer, Role, User
from . import records

PER_PAGE = 25


def accounts_query(search: str = "", roles: tuple[str, ...] | None = (Role.LEARNER,)):
    """Accounts whose name or email contains `search` (any case), newest first (deleted ones left out)."""
    stmt = select(User).where(User.deleted_at.is_(None))
    if roles:
        stmt = stmt.where(User.role.in_(roles))
    words = search.split()
    for word in words[:5]:
        stmt = stmt.where(or_(User.name.icontains(word, autoescape=True),
                              User.email.icontains(word, autoescape=True)))
    return stmt.order_by(User.created_at.desc(), User.id.desc())


def progress_by_learner(specs, user_ids: list[int]) -> dict:
    """{(user id, module id): record row} for a page of learners."""
    if not user_ids:
        return {}
    return {(row.learner_id, row.module_id): row
            for row in records.completion_rows(specs, user_ids=user_ids)}


@dataclass(frozen=True)
class ActivityState:
    block: object       # the ReflectionBlock or QuizBlock
    done: bool


@dataclass(frozen=True)
class LessonState:
    ref: object         # LessonRef
    opened_at: object
    completed_at: object
    activities: tuple


@dataclass(frozen=True)
class ModuleState:
    module: object      # ModuleView
    record: object      # the completion record row (or None for a non-learner)
    lessons: tuple


def learner_detail(view: CourseView, specs, user: User) -> list[ModuleState]:
    """Per module and lesson: opened, completed, each activity done or not."""
    progress = {row.lesson_id: row for row in db.session.execute(
        select(LessonProgress.lesson_id, LessonProgress.first_opened_at, LessonProgress.completed_at)
        .where(LessonProgress.user_id == user.id))}
    # Only which prompts have an answer: the text itself stays private.
    answered: dict[str, set] = {}
    for lesson_id, exercise_id, prompt_id in db.session.execute(
            select(ReflectionAnswer.lesson_id, ReflectionAnswer.exercise_id, ReflectionAnswer.prompt_id)
            .where(ReflectionAnswer.user_id == user.id, not_blank_sql(ReflectionAnswer.text))):
        answered.setdefault(lesson_id, set()).add((exercise_id, prompt_id))
    attempted = set(db.session.scalars(
        select(QuizAttempt.quiz_id).where(QuizAttempt.user_id == user.id).distinct()))
    rows = {row.module_id: row for row in records.completion_rows(specs, user_ids=[user.id])} \
        if user.is_learner else {}
    modules = []
    for module in view.modules:
        lessons = []
        for ref in module.published_lessons():
            states = []
            for block in ref.lesson.activities:
                done = activity_done(block, answered.get(ref.id, set()), attempted)
                states.append(ActivityState(block, done))
            row = progress.get(ref.id)
            lessons.append(LessonState(ref, row.first_opened_at if row else None,
                                       row.completed_at if row else None, tuple(states)))
        modules.append(ModuleState(module, rows.get(module.id), tuple(lessons)))
    return modules


def quiz_attempts(user_id: int):
    """The learner's quiz attempts, newest first (scores, not answers)."""
    return db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.user_id == user_id)
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())).all()
