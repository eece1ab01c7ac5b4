"""Progress rules: what is opened, done and complete. Plain functions over
the loaded course and the learner's rows; the views stay thin."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Boolean, Float, bindparam, literal_column, null, select, type_coerce, union_all
from sqlalchemy.exc import IntegrityError

from ..content import CourseView, LessonRef, ModuleView
from ..extensions import db
from ..models import LessonProgress, ModuleCompletion, QuizAttempt, User, utcnow
from ..signals import course_completed, module_completed


@dataclass(frozen=True)
class ModuleStatus:
    lessons_done: int
    lessons_total: int
    quiz_passed: bool
    best_score: float | None
    started: bool

    @property
    def steps_total(self) -> int:
        return self.lessons_total + 1  # every lesson, then the module quiz

    @property
    def steps_done(self) -> int:
        return self.lessons_done + (1 if self.quiz_passed else 0)

    @property
    def fraction(self) -> float:
        return self.steps_done / self.steps_total

    @property
    def complete(self) -> bool:
        return self.lessons_done == self.lessons_total and self.quiz_passed


@dataclass(frozen=True)
class CourseStatus:
    modules: dict            # module id -> ModuleStatus
    lessons: dict            # lesson id -> row (lesson_id, completed_at, last_opened_at)
    resume: LessonRef | None  # where to continue

    @property
    def fraction(self) -> float:
        total = sum(s.steps_total for s in self.modules.values())
        return sum(s.steps_done for s in self.modules.values()) / total if total else 0.0

    @property
    def complete(self) -> bool:
        return all(s.complete for s in self.modules.values())

    @property
    def started(self) -> bool:
        return bool(self.lessons)

    def lesson_done(self, lesson_id: str) -> bool:
        row = self.lessons.get(lesson_id)
        return bool(row and row.completed_at)


# The learners' lesson rows and quiz scores, as plain rows (not ORM objects: a
# status is read for every page and every reminder). The statements are built
# once: every page of a signed-in learner runs one,
# and building a statement costs more than running it on SQLite.
# They name the tables' columns, not the models' attributes: plain Core
# statements skip the ORM's compile and result machinery (rows are all we read).
_lessons, _attempts = LessonProgress.__table__.c, QuizAttempt.__table__.c
_LESSON_COLUMNS = select(_lessons.user_id, _lessons.lesson_id, _lessons.completed_at, _lessons.last_opened_at)
_QUIZ_COLUMNS = select(_attempts.user_id, _attempts.quiz_id, _attempts.score, _attempts.passed)
_LESSON_ROWS = _LESSON_COLUMNS.where(_lessons.user_id.in_(bindparam("user_ids", expanding=True)))
_QUIZ_SCORES = _QUIZ_COLUMNS.where(_attempts.user_id.in_(bindparam("user_ids", expanding=True)))
# One learner (every page of a signed-in learner): their lesson rows and quiz
# attempts in one statement, "= ?" (no IN list to expand), lesson rows first.
# A row's kind is its first column; the other kind's columns are NULL, and the
# result's types are the first SELECT's (so the scores' are given there).
_ONE_LEARNER = union_all(
    select(literal_column("'lesson'").label("kind"), _lessons.lesson_id, _lessons.completed_at,
           _lessons.last_opened_at, type_coerce(null(), Float).label("score"),
           type_coerce(null(), Boolean).label("passed"))
    .where(_lessons.user_id == bindparam("user_id")),
    select(literal_column("'quiz'"), _attempts.quiz_id, null(), null(), _attempts.score, _attempts.passed)
    .where(_attempts.user_id == bindparam("user_id")),
)


def _execute(statement, parameters: dict):
    """Run on the session's connection (its transaction), past the ORM's execute path."""
    return db.session.connection().execute(statement, parameters)


def _lesson_rows(user_ids: list[int]) -> dict[int, dict[str, object]]:
    """user id -> lesson id -> row (lesson_id, completed_at, last_opened_at)."""
    rows: dict[int, dict[str, object]] = {uid: {} for uid in user_ids}
    for row in _execute(_LESSON_ROWS, {"user_ids": user_ids}):
        rows[row.user_id][row.lesson_id] = row
    return rows


def _keep_best(scores: dict, quiz_id: str, score: float, passed: bool) -> None:
    old_score, old_passed = scores.get(quiz_id, (0.0, False))
    scores[quiz_id] = (max(old_score, score), bool(old_passed or passed))


def _best_scores(user_ids: list[int]) -> dict[int, dict[str, tuple[float, bool]]]:
    """user id -> quiz id -> (best score, passed at least once)."""
    best: dict[int, dict[str, tuple[float, bool]]] = {uid: {} for uid in user_ids}
    for user_id, quiz_id, score, passed in _execute(_QUIZ_SCORES, {"user_ids": user_ids}):
        _keep_best(best[user_id], quiz_id, score, passed)
    return best


def _learner_state(user_id: int) -> tuple[dict[str, object], dict[str, tuple[float, bool]]]:
    """One learner's (lesson id -> row, quiz id -> (best score, passed at least once)), in one query."""
    lessons: dict[str, object] = {}
    scores: dict[str, tuple[float, bool]] = {}
    for row in _execute(_ONE_LEARNER, {"user_id": user_id}):
        if row.kind == "lesson":
            lessons[row.lesson_id] = row
        else:
            _keep_best(scores, row.lesson_id, row.score, row.passed)
    return lessons, scores


def module_status(module: ModuleView, rows: dict, scores: dict, include_drafts: bool = False) -> ModuleStatus:
    ids = module.lesson_ids(include_drafts)
    done = 0
    for lesson_id in ids:
        row = rows.get(lesson_id)
        if row is not None and row.completed_at:
            done += 1
    score = scores.get(module.final_quiz.id)
    started = score is not None or (bool(rows) and any(lesson_id in rows for lesson_id in module.lesson_ids(True)))
    return ModuleStatus(done, len(ids), bool(score and score[1]), score[0] if score else None, started)


def course_status(view: CourseView, user: User | None, include_drafts: bool = False) -> CourseStatus | None:
    """The learner's progress through the course; None for visitors."""
    if user is None or not user.is_authenticated:
        return None
    lessons, scores = _learner_state(user.id)
    return _status(view, user.id, {user.id: lessons}, {user.id: scores}, include_drafts)


#: Learners per query of course_statuses (SQLite allows 32,766 parameters).
STATUS_BATCH = 500


def course_statuses(view_for, users: list[User]) -> dict[int, CourseStatus]:
    """user id -> course status, for many learners in two queries per STATUS_BATCH
    (the reminder scheduler's batches). `view_for(user)` is the CourseView
    the learner reads (their language)."""
    statuses = {}
    for i in range(0, len(users), STATUS_BATCH):
        chunk = users[i:i + STATUS_BATCH]
        ids = [user.id for user in chunk]
        rows, scores = _lesson_rows(ids), _best_scores(ids)
        for user in chunk:
            statuses[user.id] = _status(view_for(user), user.id, rows, scores, False)
    return statuses


def _status(view: CourseView, user_id: int, rows: dict, scores: dict, include_drafts: bool) -> CourseStatus:
    lessons, quiz_scores = rows[user_id], scores[user_id]
    modules = {mod.id: module_status(mod, lessons, quiz_scores, include_drafts) for mod in view.modules}
    return CourseStatus(modules, lessons, _resume(view, lessons, include_drafts))


def _resume(view: CourseView, rows: dict, include_drafts: bool) -> LessonRef | None:
    """The last lesson opened and not finished, else the first one not finished."""
    first_unfinished = latest = None
    for lesson_id, ref in view.lesson_sequence(include_drafts):
        row = rows.get(lesson_id)
        if row is None:
            if first_unfinished is None:
                first_unfinished = ref
        elif not row.completed_at:
            if first_unfinished is None:
                first_unfinished = ref
            if latest is None or row.last_opened_at > latest[0]:
                latest = (row.last_opened_at, ref)
    return latest[1] if latest is not None else first_unfinished


#: A lesson reopened within this time is not written again: reading a page
#: should not cost a database write (and SQLite's one writer) on every view.
REOPEN_WRITE_INTERVAL = timedelta(seconds=60)


def record_open(user: User, ref: LessonRef, status: CourseStatus | None = None) -> LessonProgress | None:
    """Note that the learner opened a lesson (first and last time).

    With the learner's `status` (read already for the page), a lesson opened
    within REOPEN_WRITE_INTERVAL costs no query at all (returns None then).
    """
    seen = status.lessons.get(ref.id) if status is not None else None
    if seen is not None and utcnow() - seen.last_opened_at < REOPEN_WRITE_INTERVAL:
        return None
    row = db.session.scalar(
        select(LessonProgress).where(LessonProgress.user_id == user.id, LessonProgress.lesson_id == ref.id)
    )
    now = utcnow()
    if row is not None and now - row.last_opened_at < REOPEN_WRITE_INTERVAL:
        return row
    if row is None:
        row = LessonProgress(user_id=user.id, module_id=ref.module_id, lesson_id=ref.id,
                             first_opened_at=now, last_opened_at=now)
        db.session.add(row)
    else:
        row.last_opened_at = now
    try:
        db.session.commit()
    except IntegrityError:  # the same learner opened it twice at once
        db.session.rollback()
        row = db.session.scalar(
            select(LessonProgress).where(LessonProgress.user_id == user.id, LessonProgress.lesson_id == ref.id)
        )
    return row


def set_lesson_complete(user: User, view: CourseView, ref: LessonRef, complete: bool = True) -> None:
    """Mark a lesson done (or not done), then update module and course completion."""
    row = record_open(user, ref)
    if complete and row.completed_at is None:
        row.completed_at = utcnow()
    elif not complete:
        row.completed_at = None
    db.session.commit()
    update_completion(user, view, ref.module_id)


def update_completion(user: User, view: CourseView, module_id: str) -> None:
    """Record the first time a module and the course become complete."""
    status = course_status(view, user)
    module = status.modules.get(module_id)
    if module and module.complete:
        exists = db.session.scalar(
            select(ModuleCompletion.id).where(ModuleCompletion.user_id == user.id, ModuleCompletion.module_id == module_id)
        )
        if not exists:
            db.session.add(ModuleCompletion(user_id=user.id, module_id=module_id))
            try:
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
            else:
                module_completed.send(user, module_id=module_id)
    if status.complete and user.course_completed_at is None:
        user = User.of(user)  # the signed-in Account is read-only
        user.course_completed_at = utcnow()
        db.session.commit()
        course_completed.send(user)
