"""Completion records: one row per learner and module, from ONE query.

The SQL form of the completion rules of activities/completion.py and
learn/progress.py (tests/test_completion_rule.py holds them equal).

Totals (lessons, activities) come from the loaded course; what each learner
did is counted by the database in grouped subqueries, joined to every
learner x module pair. The rows are streamed (`yield_per`), so memory stays
flat whatever the number of learners. Portable SQL: SQLite and PostgreSQL.
"""
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Integer, Select, String, and_, case, false, func, literal, or_, select, true, type_coerce, union_all
from sqlalchemy.types import TypeDecorator

from ..activities.texts import not_blank_sql
from ..content import Content
from ..extensions import db
from ..i18n import LANGUAGES
from ..models import Certificate, LessonProgress, ModuleCompletion, QuizAttempt, ReflectionAnswer, Role, User
from .filters import Filters

class Record(NamedTuple):
    """One completion record: a learner and a module, as completion_rows
    yields it (the query selects these names, in this order) and the formats
    read it, by name. A time is an aware UTC datetime, or the driver's raw
    value in an export (see RawTime)."""

    learner_id: int
    name: str
    email: str
    language: str
    time_zone: str
    registered_at: Any
    module_id: str
    module_title: str
    lessons_completed: int
    lessons_total: int
    activities_completed: int
    activities_total: int
    quiz_best_score: float | None
    quiz_attempts: int
    quiz_passed: int            # 0 or 1
    module_started_at: Any
    module_completed_at: Any
    course_completed_at: Any
    certificate_id: str | None  # the learner's valid certificate, on each of their rows
    certificate_issued_at: Any
    # Not columns of the CSV and JSON Lines records: for the xAPI statements' timestamps.
    quiz_passed_at: Any
    quiz_last_attempt_at: Any


#: The documented columns of a record, in order (see README, "Completion records").
COLUMNS = Record._fields[:20]
#: Two more values each row carries, for the xAPI statements' timestamps.
EXTRA = Record._fields[20:]
#: Rows fetched from the database at a time.
BATCH = 1000


@dataclass(frozen=True)
class ModuleSpec:
    """What the course says about one module, for the records."""

    id: str
    position: int
    titles: dict            # lang -> title
    lessons: tuple          # published lesson ids
    final_quiz: str
    quiz_activities: tuple  # quiz ids of the lessons' quiz blocks
    reflections: tuple      # ((lesson id, exercise id, prompt ids), ...)

    @property
    def activities_total(self) -> int:
        return len(self.quiz_activities) + len(self.reflections)


def module_specs(content: Content) -> tuple[ModuleSpec, ...]:
    """Every module of the course, as the records count it (drafts left out)."""
    reference = content.course("en")
    specs = []
    for module in reference.modules:
        lessons = module.published_lessons()
        quizzes, reflections = [], []
        for ref in lessons:
            for block in ref.lesson.activities:
                if block.type == "quiz":
                    quizzes.append(block.quiz)
                else:
                    reflections.append((ref.id, block.id, tuple(p.id for p in block.prompts)))
        titles = {lang: content.course(lang).module(module.id).module.title for lang in LANGUAGES}
        specs.append(ModuleSpec(module.id, module.position, titles, tuple(r.id for r in lessons),
                                module.final_quiz.id, tuple(dict.fromkeys(quizzes)), tuple(reflections)))
    return tuple(specs)


def _any(conditions: list):
    return or_(*conditions) if conditions else false()


class RawTime(TypeDecorator):
    """A point in time as the database driver returns it, unconverted: ISO
    text on SQLite, a naive UTC datetime on PostgreSQL. The export formats
    read both (formats.iso), which saves parsing a million timestamps."""

    impl = String
    cache_ok = True


def completion_query(specs: Iterable[ModuleSpec], filters: Filters = Filters(),
                     user_ids: Iterable[int] | None = None, raw_times: bool = False) -> Select:
    """The records as one SELECT, ordered by learner and module position.

    Times come as aware UTC datetimes, or as the driver's own values with
    `raw_times` (for the exports, see RawTime).
    """
    def when(expr, name):
        return (type_coerce(expr, RawTime()) if raw_times else expr).label(name)

    specs = [s for s in specs if filters.module in (None, s.id)]
    if not specs:  # no such module: an empty result with the same columns
        return select(*[literal(None).label(c) for c in Record._fields]).where(false())
    module_ids = [s.id for s in specs]
    ids = list(user_ids) if user_ids is not None else None

    def narrowed(stmt, table):
        """Each subquery reads only the modules (and learners) asked for."""
        stmt = stmt.where(table.module_id.in_(module_ids))
        return stmt.where(table.user_id.in_(ids)) if ids is not None else stmt

    # The modules as a small literal table: id, position, totals, titles.
    modules = union_all(*[
        select(
            literal(s.id, String).label("module_id"),
            literal(s.position, Integer).label("position"),
            literal(len(s.lessons), Integer).label("lessons_total"),
            literal(s.activities_total, Integer).label("activities_total"),
            *[literal(s.titles[lang], String).label(f"title_{lang}") for lang in LANGUAGES],
        ) for s in specs
    ]).subquery("m")

    lp = LessonProgress
    lesson_known = _any([and_(lp.module_id == s.id, lp.lesson_id.in_(s.lessons)) for s in specs if s.lessons])
    lessons = narrowed(select(
        lp.user_id, lp.module_id,
        func.sum(case((and_(lp.completed_at.is_not(None), lesson_known), 1), else_=0)).label("done"),
        func.min(case((lesson_known, lp.first_opened_at))).label("opened_at"),
    ), lp).group_by(lp.user_id, lp.module_id).subquery("lp")

    qa = QuizAttempt
    final = _any([and_(qa.module_id == s.id, qa.quiz_id == s.final_quiz) for s in specs])
    activity_quiz = _any([and_(qa.module_id == s.id, qa.quiz_id.in_(s.quiz_activities))
                          for s in specs if s.quiz_activities])
    quizzes = narrowed(select(
        qa.user_id, qa.module_id,
        func.max(case((final, qa.score))).label("best"),
        func.sum(case((final, 1), else_=0)).label("attempts"),
        func.max(case((and_(final, qa.passed), 1), else_=0)).label("passed"),
        func.min(case((and_(final, qa.passed), qa.submitted_at))).label("passed_at"),
        func.max(case((final, qa.submitted_at))).label("last_at"),
        func.min(qa.submitted_at).label("first_at"),
        func.count(func.distinct(case((activity_quiz, qa.quiz_id)))).label("activities"),
    ), qa).group_by(qa.user_id, qa.module_id).subquery("qa")

    ra = ReflectionAnswer
    exercises = [(s.id, lesson, exercise, prompts) for s in specs for lesson, exercise, prompts in s.reflections]
    prompt_known = _any([and_(ra.module_id == m, ra.lesson_id == lesson, ra.exercise_id == exercise,
                              ra.prompt_id.in_(prompts)) for m, lesson, exercise, prompts in exercises])
    answered = narrowed(select(
        ra.user_id, ra.module_id, ra.lesson_id, ra.exercise_id, func.count().label("answered"),
    ), ra).where(not_blank_sql(ra.text), prompt_known).group_by(
        ra.user_id, ra.module_id, ra.lesson_id, ra.exercise_id).subquery("answered")
    prompts_needed = case(*[
        (and_(answered.c.lesson_id == lesson, answered.c.exercise_id == exercise), len(prompts))
        for _m, lesson, exercise, prompts in exercises
    ], else_=None) if exercises else literal(None, Integer)
    reflections = select(
        answered.c.user_id, answered.c.module_id, func.count().label("done"),
    ).where(answered.c.answered >= prompts_needed).group_by(
        answered.c.user_id, answered.c.module_id).subquery("ra")

    mc = ModuleCompletion
    u = User
    cert = Certificate
    title = case(*[(u.lang == lang, modules.c[f"title_{lang}"]) for lang in LANGUAGES if lang != "en"],
                 else_=modules.c.title_en)
    opened, first_quiz = lessons.c.opened_at, quizzes.c.first_at
    started = case(
        (opened.is_(None), first_quiz),
        (first_quiz.is_(None), opened),
        (opened <= first_quiz, opened),
        else_=first_quiz,
    )
    zero = literal(0, Integer)
    stmt = select(
        u.id.label("learner_id"), u.name,
        case((u.deleted_at.is_(None), u.email), else_=literal("")).label("email"),  # a deleted account: no address
        u.lang.label("language"),
        u.timezone.label("time_zone"), when(u.created_at, "registered_at"),
        modules.c.module_id, title.label("module_title"),
        func.coalesce(lessons.c.done, zero).label("lessons_completed"), modules.c.lessons_total,
        (func.coalesce(quizzes.c.activities, zero) + func.coalesce(reflections.c.done, zero)).label("activities_completed"),
        modules.c.activities_total,
        quizzes.c.best.label("quiz_best_score"),
        func.coalesce(quizzes.c.attempts, zero).label("quiz_attempts"),
        func.coalesce(quizzes.c.passed, zero).label("quiz_passed"),
        when(started, "module_started_at"),
        when(mc.completed_at, "module_completed_at"),
        when(u.course_completed_at, "course_completed_at"),
        cert.public_id.label("certificate_id"),
        when(cert.issued_at, "certificate_issued_at"),
        when(quizzes.c.passed_at, "quiz_passed_at"),
        when(quizzes.c.last_at, "quiz_last_attempt_at"),
    )

    pair = and_(u.id == lessons.c.user_id, modules.c.module_id == lessons.c.module_id)
    joined = (
        u.__table__.join(modules, true())
        .outerjoin(lessons, pair)
        .outerjoin(quizzes, and_(u.id == quizzes.c.user_id, modules.c.module_id == quizzes.c.module_id))
        .outerjoin(reflections, and_(u.id == reflections.c.user_id, modules.c.module_id == reflections.c.module_id))
        # The learner's certificate, unless it was revoked.
        .outerjoin(cert.__table__, and_(cert.user_id == u.id, cert.revoked_at.is_(None)))
    )
    completion = and_(u.id == mc.user_id, modules.c.module_id == mc.module_id)
    if filters.by_completion:
        if filters.since:
            completion = and_(completion, mc.completed_at >= filters.completed_from)
        if filters.completed_before is not None:
            completion = and_(completion, mc.completed_at < filters.completed_before)
        joined = joined.join(mc.__table__, completion)
    else:
        joined = joined.outerjoin(mc.__table__, completion)
    stmt = stmt.select_from(joined).where(u.role == Role.LEARNER)
    if filters.lang:
        stmt = stmt.where(u.lang == filters.lang)
    if ids is not None:
        stmt = stmt.where(u.id.in_(ids))
    return stmt.order_by(u.id, modules.c.position)


def completion_rows(specs, filters: Filters = Filters(), user_ids=None, batch: int = BATCH,
                    raw_times: bool = False) -> Iterator:
    """Stream the records (Record), `batch` at a time."""
    stmt = completion_query(specs, filters, user_ids, raw_times)
    # The session's connection (so the rows see its transaction), without the ORM layer.
    result = db.session.connection().execute(stmt, execution_options={"yield_per": batch})
    try:
        # A plain named tuple per row: its fields read faster than a database row's names.
        yield from map(Record._make, result)
    finally:
        result.close()

