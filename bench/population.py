"""Synthetic learners, inserted fast: executemany in one transaction, straight
into the SQLite file the migrations built.

Values are written the way the app's models store them (UTC datetimes as
'YYYY-MM-DD HH:MM:SS.ffffff' text, booleans as 0/1), so the app reads them
back as if it had written them itself.
"""
from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path


LANGS = ("en", "it", "es", "pl")


def stamp(moment: datetime) -> str:
    """As the models store a UTC datetime (isoformat: far quicker than strftime)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat(sep=" ", timespec="microseconds")


def connect(db_path: Path) -> sqlite3.Connection:
    """A loader connection: no fsync, a large page cache (index inserts stay in
    memory), and a rollback journal in memory for the one big transaction
    (the app switches the file back to WAL when it next connects)."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = MEMORY")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA cache_size = -400000")  # KiB: 400 MB at most
    return conn


def insert_learners(db_path: Path, count: int, *, hashed: str, zones: tuple[str, ...], prefix: str = "learner",
                    schedules: bool = True, minute: int = 7 * 60, created: datetime | None = None) -> range:
    """`count` confirmed, active learners (languages and zones in turn), with
    the default reminder schedule (Monday to Friday at `minute`) if asked.
    `hashed` is the password hash every one of them gets (see
    common.password_hash). Returns their ids."""
    created = created or datetime(2026, 9, 1, 8, 0, tzinfo=timezone.utc)
    conn = connect(db_path)
    try:
        first = (conn.execute("SELECT COALESCE(MAX(id), 0) FROM users").fetchone()[0]) + 1
        ids = range(first, first + count)
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO users (id, email, name, password_hash, role, lang, timezone, active, created_at, "
            "email_confirmed_at) VALUES (?, ?, ?, ?, 'learner', ?, ?, 1, ?, ?)",
            ((uid, f"{prefix}{uid}@bench.example", f"Learner {uid}", hashed, LANGS[uid % len(LANGS)],
              zones[uid % len(zones)], stamp(created + timedelta(seconds=uid)),
              stamp(created + timedelta(seconds=uid, minutes=5)))
             for uid in ids),
        )
        if schedules:
            conn.executemany(
                "INSERT INTO reminder_schedules (user_id, weekday, enabled, minute) VALUES (?, ?, ?, ?)",
                ((uid, day, 1 if day < 5 else 0, minute) for uid in ids for day in range(7)),
            )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return ids


def insert_progress(db_path: Path, user_ids: range, specs, *, seed: int = 8) -> dict:
    """Progress of varied depth for every learner: some modules finished
    (every lesson, reflections, a passed final quiz, the completion), one
    in progress (some lessons, maybe a failed attempt), the rest untouched.
    `specs` are course.admin.records.ModuleSpec-like (id, lessons,
    final_quiz, quiz_activities, reflections). Returns the row counts."""
    rng = random.Random(seed)
    base = datetime(2026, 9, 2, 9, 0)  # naive UTC, as stored
    counts = {"lesson_progress": 0, "quiz_attempts": 0, "reflection_answers": 0, "module_completions": 0}
    conn = connect(db_path)
    lessons, attempts, answers, completions = [], [], [], []

    def flush():
        if lessons:
            conn.executemany("INSERT INTO lesson_progress (user_id, module_id, lesson_id, first_opened_at, "
                             "last_opened_at, completed_at) VALUES (?, ?, ?, ?, ?, ?)", lessons)
        if attempts:
            conn.executemany("INSERT INTO quiz_attempts (user_id, module_id, quiz_id, lang, submission_token, "
                             "score, correct_count, question_count, passed, submitted_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", attempts)
        if answers:
            conn.executemany("INSERT INTO reflection_answers (user_id, module_id, lesson_id, exercise_id, "
                             "prompt_id, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", answers)
        if completions:
            conn.executemany("INSERT INTO module_completions (user_id, module_id, completed_at) VALUES (?, ?, ?)",
                             completions)
        counts["lesson_progress"] += len(lessons)
        counts["quiz_attempts"] += len(attempts)
        counts["reflection_answers"] += len(answers)
        counts["module_completions"] += len(completions)
        for rows in (lessons, attempts, answers, completions):
            rows.clear()

    try:
        conn.execute("BEGIN")
        for uid in user_ids:
            # Half never start; a quarter stop inside the first module; the
            # rest finish one, two or every module.
            roll = rng.random()
            if roll < 0.50:
                continue
            finished = 0 if roll < 0.75 else 1 if roll < 0.90 else 2 if roll < 0.97 else len(specs)
            lang = LANGS[uid % len(LANGS)]
            t = base + timedelta(minutes=uid % 50_000)
            for position, spec in enumerate(specs):
                if position < finished:
                    done = len(spec.lessons)
                elif position == finished:
                    done = rng.randrange(1, len(spec.lessons) + 1)
                else:
                    break
                for n, lesson_id in enumerate(spec.lessons[:done]):
                    at = stamp(t + timedelta(minutes=10 * n))
                    lessons.append((uid, spec.id, lesson_id, at, at, at))
                if position < finished:
                    for lesson_id, exercise_id, prompts in spec.reflections:
                        for prompt_id in prompts:
                            at = stamp(t)
                            answers.append((uid, spec.id, lesson_id, exercise_id, prompt_id, "My answer.", at, at))
                    for k, quiz_id in enumerate(spec.quiz_activities + (spec.final_quiz,)):
                        at = stamp(t + timedelta(hours=1, minutes=k))
                        attempts.append((uid, spec.id, quiz_id, lang, f"b{uid}-{spec.id}-{k}", 100.0, 5, 5, 1, at))
                    completions.append((uid, spec.id, stamp(t + timedelta(hours=2))))
                elif done and rng.random() < 0.3:
                    attempts.append((uid, spec.id, spec.final_quiz, lang, f"b{uid}-{spec.id}-f", 40.0, 2, 5, 0,
                                     stamp(t + timedelta(hours=1))))
                t += timedelta(days=3)
            if len(lessons) > 50_000:
                flush()
        flush()
        conn.execute("COMMIT")
    finally:
        conn.close()
    return counts
