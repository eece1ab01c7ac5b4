"""The transactional outbox: learning events become statements in the same
transaction.

A listener on the ORM session looks at what each flush wrote (a lesson
completed, a quiz attempt settled, a module or the course completed, a
reflection's first answer) and inserts the statements into xapi_statements
on the flush's own connection. The event and its statements are committed
together or not at all; the sender (xapi/sender.py) posts them later.

Nothing is recorded while XAPI_LRS_URL is unset.
"""
import json
from dataclasses import dataclass
from datetime import timezone

from flask import current_app, has_app_context
from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from ..content import get_content
from ..database import insert_ignoring_duplicates
from ..models import LessonProgress, ModuleCompletion, QuizAttempt, ReflectionAnswer, User, XapiStatement, XapiStatus
from ..models.types import utcnow
from .statements import XapiCatalogue, attempt_key, quiz_key


def timestamp(moment) -> str:
    """An aware datetime as ISO 8601 UTC to the millisecond (what an LRS keeps)."""
    moment = (moment or utcnow()).astimezone(timezone.utc)
    return moment.isoformat(timespec="milliseconds")[:23] + "Z"


def catalogue() -> XapiCatalogue:
    """The activities of the course loaded now (built once per content load)."""
    content = get_content()
    base_url = current_app.config["BASE_URL"]
    cached = current_app.extensions.get("aula.xapi_catalogue")
    if cached is None or cached[0] is not content or cached[1] != base_url:
        cached = (content, base_url, XapiCatalogue.build(content, base_url))
        current_app.extensions["aula.xapi_catalogue"] = cached
    return cached[2]


def enabled() -> bool:
    return bool(current_app.config.get("XAPI_LRS_URL"))


@dataclass
class _Facts:
    lessons: list          # (user id, lesson id, completed_at)
    attempts: list         # QuizAttempt
    modules: list          # (user id, module id, completed_at)
    courses: list          # (user id, completed_at)
    reflections: list      # (user id, lesson id, exercise id, created_at)

    def __bool__(self):
        return bool(self.lessons or self.attempts or self.modules or self.courses or self.reflections)


def _became_set(obj, name: str) -> bool:
    """The attribute went from None to a value in this flush."""
    history = inspect(obj).attrs[name].history
    return bool(history.added) and history.added[0] is not None and not any(
        value is not None for value in history.deleted)


def _settled(attempt: QuizAttempt) -> bool:
    """Graded through: no self-assessed answer still waits for the learner's verdict."""
    return all(answer.correct is not None for answer in attempt.answers)


def _facts(session: Session) -> _Facts:
    facts = _Facts([], [], [], [], [])
    for obj in session.new:
        if isinstance(obj, LessonProgress) and obj.completed_at is not None:
            facts.lessons.append((obj.user_id, obj.lesson_id, obj.completed_at))
        elif isinstance(obj, QuizAttempt) and _settled(obj):
            facts.attempts.append(obj)
        elif isinstance(obj, ModuleCompletion):
            facts.modules.append((obj.user_id, obj.module_id, obj.completed_at))
        elif isinstance(obj, ReflectionAnswer) and obj.text.strip():
            facts.reflections.append((obj.user_id, obj.lesson_id, obj.exercise_id, obj.created_at))
    for obj in session.dirty:
        if isinstance(obj, LessonProgress) and _became_set(obj, "completed_at"):
            facts.lessons.append((obj.user_id, obj.lesson_id, obj.completed_at))
        elif isinstance(obj, QuizAttempt) and session.is_modified(obj) and _settled(obj):
            facts.attempts.append(obj)
        elif isinstance(obj, User) and _became_set(obj, "course_completed_at"):
            facts.courses.append((obj.id, obj.course_completed_at))
    return facts


def statements_for(connection, facts: _Facts, cat: XapiCatalogue) -> list[dict]:
    """The statements the facts make, leaving out those the outbox has already."""
    users = {uid for uid, *_ in facts.lessons + facts.modules + facts.courses + facts.reflections}
    users |= {a.user_id for a in facts.attempts}
    langs = dict(connection.execute(select(User.id, User.lang).where(User.id.in_(users))).all())
    out = []
    for uid, lesson_id, when in facts.lessons:
        if lesson_id in cat.lessons:
            out.append(cat.lesson_completed(uid, lesson_id, langs.get(uid), timestamp(when)))
    for uid, lesson_id, exercise_id, when in facts.reflections:
        if (lesson_id, exercise_id) in cat.reflections and lesson_id in cat.lessons:
            out.append(cat.reflection_responded(uid, lesson_id, exercise_id, langs.get(uid), timestamp(when)))
    for uid, module_id, when in facts.modules:
        if module_id in cat.modules:
            best = connection.scalar(select(func.max(QuizAttempt.score)).where(
                QuizAttempt.user_id == uid, QuizAttempt.module_id == module_id,
                QuizAttempt.quiz_id == cat.final_quizzes[module_id]))
            out.append(cat.module_completed(uid, module_id, best, langs.get(uid), timestamp(when)))
    for uid, when in facts.courses:
        out.append(cat.course_completed(uid, langs.get(uid), timestamp(when)))
    out += _attempt_statements(connection, facts.attempts, cat, langs)
    return _not_queued(connection, out)


def _attempt_statements(connection, attempts, cat: XapiCatalogue, langs: dict) -> list[dict]:
    """answered (each attempt), then passed or failed. The first pass (or
    fail) of a quiz takes the id of that fact, as the export gives it; later
    ones are statements of their own attempt."""
    out, first = [], []
    for attempt in attempts:
        if attempt.quiz_id not in cat.lesson_quizzes or attempt.module_id not in cat.modules:
            continue
        uid, when, lang = attempt.user_id, timestamp(attempt.submitted_at), langs.get(attempt.user_id)
        out.append(cat.quiz_answered(uid, attempt.module_id, attempt.quiz_id, attempt.id, attempt.passed,
                                     attempt.score, lang, when))
        verb = "passed" if attempt.passed else "failed"
        fact_id = cat.statement_id(uid, quiz_key(attempt.module_id, attempt.quiz_id,
                                                 cat.final_quizzes[attempt.module_id]), verb)
        first.append((attempt, fact_id, lang, when))
    taken = _queued(connection, [fact_id for _a, fact_id, _l, _w in first])
    for attempt, fact_id, lang, when in first:
        own = None
        if fact_id in taken:
            verb = "passed" if attempt.passed else "failed"
            own = cat.statement_id(attempt.user_id, attempt_key(attempt.module_id, attempt.quiz_id, attempt.id), verb)
        taken.add(fact_id)
        out.append(cat.quiz_verdict(attempt.user_id, attempt.module_id, attempt.quiz_id, attempt.passed,
                                    attempt.score, lang, when, statement_id=own))
    return out


def _queued(connection, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    return set(connection.scalars(select(XapiStatement.statement_id).where(XapiStatement.statement_id.in_(ids))))


def _not_queued(connection, statements: list[dict]) -> list[dict]:
    known = _queued(connection, [s["id"] for s in statements])
    fresh, seen = [], set(known)
    for statement in statements:
        if statement["id"] not in seen:
            seen.add(statement["id"])
            fresh.append(statement)
    return fresh


def _after_flush(session: Session, _flush_context) -> None:
    if not has_app_context() or not enabled():
        return
    facts = _facts(session)
    if not facts:
        return
    connection = session.connection()
    statements = statements_for(connection, facts, catalogue())
    now = utcnow()
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    rows = [{"statement_id": s["id"], "user_id": int(s["actor"]["account"]["name"]),
             "verb": s["verb"]["id"].rsplit("/", 1)[1], "payload": dumps(s), "status": XapiStatus.WAITING,
             "attempts": 0, "created_at": now} for s in statements]
    insert_ignoring_duplicates(connection, XapiStatement, rows, ["statement_id"])


def listen(session_class) -> None:
    if not event.contains(session_class, "after_flush", _after_flush):
        event.listen(session_class, "after_flush", _after_flush)
