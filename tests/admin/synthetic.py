"""Synthetic learners and their progress, inserted in bulk (executemany), for
the export tests and for measuring the export on many learners."""
import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, text

from course.i18n import LANGUAGES
from course.models import LessonProgress, ModuleCompletion, QuizAttempt, ReflectionAnswer, User

START = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)


def populate(connection, specs, learners: int, seed: int = 7, first_id: int = 1, chunk: int = 5000) -> dict:
    """Insert `learners` learners with varied progress; return how many rows went in per table."""
    rng = random.Random(seed)
    counts = {"users": 0, "lesson_progress": 0, "quiz_attempts": 0, "reflection_answers": 0, "module_completions": 0}
    buffers = {k: [] for k in counts}
    tables = {"users": User, "lesson_progress": LessonProgress, "quiz_attempts": QuizAttempt,
              "reflection_answers": ReflectionAnswer, "module_completions": ModuleCompletion}

    def flush(force=False):
        if not force and all(len(rows) < chunk for rows in buffers.values()):
            return
        for name, rows in buffers.items():  # users first, for the foreign keys
            if rows:
                connection.execute(insert(tables[name]), rows)
                counts[name] += len(rows)
                rows.clear()

    for n in range(learners):
        uid = first_id + n
        joined = START + timedelta(minutes=n)
        buffers["users"].append({
            "id": uid, "email": f"synthetic{uid}@example.com", "name": f"Learner {uid}", "password_hash": "x",
            "role": "learner", "lang": LANGUAGES[uid % 4], "timezone": "Europe/Rome", "active": True,
            "created_at": joined,
        })
        # How far this learner got: 0 to all modules, the last one partly.
        reached = rng.randint(0, len(specs))
        all_done = True
        at = joined
        for spec in specs[:reached]:
            full = rng.random() < 0.7
            lessons = spec.lessons if full else spec.lessons[: rng.randint(1, len(spec.lessons))]
            for lesson in lessons:
                at += timedelta(minutes=rng.randint(5, 90))
                done = full or rng.random() < 0.5
                buffers["lesson_progress"].append({
                    "user_id": uid, "module_id": spec.id, "lesson_id": lesson,
                    "first_opened_at": at, "last_opened_at": at, "completed_at": at if done else None,
                })
            for lesson, exercise, prompts in spec.reflections:
                if lesson in lessons and rng.random() < 0.6:
                    for prompt in prompts:
                        buffers["reflection_answers"].append({
                            "user_id": uid, "module_id": spec.id, "lesson_id": lesson, "exercise_id": exercise,
                            "prompt_id": prompt, "text": "An answer.", "created_at": at, "updated_at": at,
                        })
            for quiz in spec.quiz_activities:
                if full:
                    buffers["quiz_attempts"].append(_attempt(uid, spec.id, quiz, at, 60.0, False))
            passed = False
            if full:
                for attempt in range(rng.randint(1, 3)):
                    at += timedelta(minutes=10)
                    score = rng.choice((50.0, 75.0, 87.5, 100.0))
                    passed = passed or score >= 80
                    buffers["quiz_attempts"].append(_attempt(uid, spec.id, spec.final_quiz, at, score, score >= 80,
                                                             token=f"t{attempt}"))
            if full and passed:
                buffers["module_completions"].append({"user_id": uid, "module_id": spec.id, "completed_at": at})
            else:
                all_done = False
        if reached == len(specs) and all_done:
            buffers["users"][-1]["course_completed_at"] = at
        else:
            buffers["users"][-1]["course_completed_at"] = None
        flush()
    flush(force=True)
    if connection.dialect.name == "postgresql":
        # As after any bulk load: until autovacuum has analysed the new rows, the planner may join
        # the export's grouped subqueries in nested loops (minutes instead of a second).
        connection.execute(text("ANALYZE " + ", ".join(model.__tablename__ for model in tables.values())))
    return counts


def _attempt(uid, module_id, quiz_id, at, score, passed, token="a"):
    return {"user_id": uid, "module_id": module_id, "quiz_id": quiz_id, "lang": "en",
            "submission_token": f"{quiz_id}-{token}", "score": score, "correct_count": 0,
            "question_count": 8, "passed": passed, "submitted_at": at}
