"""2. Concurrent learners completing lessons and submitting quizzes against
SQLite in WAL mode, then the same against PostgreSQL (a throw-away server,
scripts/pg_cluster.py) side by side, through the app's own functions: writes
per second, and proof that none failed or was lost (rows counted straight
from the database, with a connection of its own).

Each learner goes through the whole course as the views would make them:
every lesson completed (course.learn.progress.set_lesson_complete), every
required reflection answered and every quiz in a lesson submitted
(course.activities: reflections.save_answers, quizzes.record_attempt, then
completion.after_quiz / refresh_lesson), and each module's final quiz
failed once, then passed. Self-assessed answers get the learner's verdict.

Baseline: the same work done by one learner at a time (one process, one
thread), in the same run. Concurrent: two processes (as the documented
gunicorn deployment's two sync workers), and a stress case of four
processes of four threads each; every thread is one learner at a time.
"""
from __future__ import annotations

import multiprocessing as mp
import queue
import threading
import time
import traceback
from collections import Counter

from .common import PASSWORD, Deadline, Figure, Result, Workspace, log, percentile, postgres_database

SERIAL = "one learner at a time"
STRESS = "16 learners at once (4 processes x 4 threads)"
#: name -> (processes, threads, learners). The second is what the documented
#: deployment does (gunicorn, 2 sync workers: two requests at a time).
SCENARIOS = {
    SERIAL: (1, 1, 4),
    "2 learners at once (2 processes, as gunicorn's 2 workers)": (2, 1, 8),
    STRESS: (4, 4, 16),
}
#: The share of the time budget each scenario may use at most.
SHARE = {SERIAL: 0.2, "2 learners at once (2 processes, as gunicorn's 2 workers)": 0.3, STRESS: 0.45}
LANGS = ("en", "it", "es", "pl")


# -- one learner -----------------------------------------------------------------

def _right_answers(quiz) -> dict:
    responses = {}
    for question in quiz.questions:
        if question.type == "text":
            if question.accepted_answers:
                responses[question.id] = question.accepted_answers[0]
            elif question.keywords:
                responses[question.id] = " ".join(question.keywords)
            else:
                responses[question.id] = "My own answer, to compare with the model answer."
        else:
            responses[question.id] = tuple(o.id for o in question.options if o.correct)
    return responses


def _wrong_answers(quiz) -> dict:
    responses = {}
    for question in quiz.questions:
        if question.type == "text":
            responses[question.id] = "I am not sure."
        else:
            wrong = [o.id for o in question.options if not o.correct] or [question.options[0].id]
            responses[question.id] = (wrong[0],)
    return responses


class Learner:
    """One learner's way through the course, timing each write and
    tallying what it has stored (to check against the rows afterwards)."""

    def __init__(self, app, user_id: int, lang: str, latencies: dict, tally: Counter):
        self.app, self.user_id, self.lang = app, user_id, lang
        self.latencies, self.tally = latencies, tally
        try:
            from course.activities import completion, quizzes, reflections
        except ImportError:  # before the activities area landed
            completion = quizzes = reflections = None
        self.completion, self.quizzes, self.reflections = completion, quizzes, reflections

    def _timed(self, kind: str, function, *args, **kwargs):
        start = time.perf_counter()
        value = function(*args, **kwargs)
        self.latencies.setdefault(kind, []).append((time.perf_counter() - start) * 1000)
        self.tally[f"op:{kind}"] += 1
        return value

    def submit(self, user, view, quiz, module_id: str, responses: dict) -> None:
        if self.quizzes is None:
            self._timed("quiz attempt", self._bare_attempt, quiz, module_id, responses)
            from course.learn import progress
            progress.update_completion(user, view, module_id)
            return
        token = self.quizzes.new_token()
        attempt, created = self._timed("quiz attempt", self.quizzes.record_attempt, self.user_id, quiz,
                                       module_id, self.lang, token, responses)
        if created:
            self.tally["quiz_attempts"] += 1
            self.tally["quiz_answers"] += len(quiz.questions)
        for answer in list(attempt.answers):
            if answer.self_assessed and answer.correct is None:
                right = responses is not None and responses.get(answer.question_id) != "I am not sure."
                self._timed("quiz verdict", self.quizzes.set_verdict, attempt, answer.question_id, right,
                            quiz.pass_mark)
        self.completion.after_quiz(user, view, quiz.id, module_id)

    def _bare_attempt(self, quiz, module_id, responses):
        """QuizAttempt rows as the activities service will store them."""
        import json
        import secrets

        from course.extensions import db
        from course.models import QuizAnswer, QuizAttempt

        right = _right_answers(quiz)
        correct = sum(1 for q in quiz.questions if responses[q.id] == right[q.id])
        attempt = QuizAttempt(user_id=self.user_id, module_id=module_id, quiz_id=quiz.id, lang=self.lang,
                              submission_token=secrets.token_urlsafe(24), score=100.0 * correct / len(quiz.questions),
                              correct_count=correct, question_count=len(quiz.questions),
                              passed=correct * 100 >= quiz.pass_mark * len(quiz.questions))
        for q in quiz.questions:
            attempt.answers.append(QuizAnswer(question_id=q.id, response=json.dumps(responses[q.id]),
                                              correct=responses[q.id] == right[q.id]))
        db.session.add(attempt)
        db.session.commit()
        self.tally["quiz_attempts"] += 1
        self.tally["quiz_answers"] += len(quiz.questions)

    def run(self) -> None:
        from course.content import get_content
        from course.extensions import db
        from course.learn import progress
        from course.models import User

        with self.app.app_context():
            try:
                user = db.session.get(User, self.user_id)
                view = get_content().course(self.lang)
                for module in view.modules:
                    for ref in module.published_lessons():
                        required = ref.lesson.required_activities
                        if not required or self.completion is None:
                            self._timed("lesson complete", progress.set_lesson_complete, user, view, ref)
                            self.tally["lessons"] += 1
                            continue
                        self._timed("lesson open", progress.record_open, user, ref)
                        for block in required:
                            if block.type == "reflection":
                                answers = {p.id: f"My answer to {p.id}, learner {self.user_id}." for p in block.prompts}
                                self._timed("reflection", self.reflections.save_answers, self.user_id, ref, block,
                                            answers)
                                self.tally["reflection_answers"] += len(answers)
                                self.completion.refresh_lesson(user, view, ref)
                            elif block.type == "quiz":
                                found = view.quiz(block.quiz)
                                quiz, quiz_module = found
                                self.submit(user, view, quiz, quiz_module, _right_answers(quiz))
                        self.tally["lessons"] += 1
                    final = module.final_quiz
                    self.submit(user, view, final, module.id, _wrong_answers(final))
                    self.submit(user, view, final, module.id, _right_answers(final))
                self.tally["learners_done"] += 1
            except Exception:  # noqa: BLE001 - every failure is counted and reported
                self.tally["failures"] += 1
                self.latencies.setdefault("_errors", []).append(traceback.format_exc(limit=6))
                db.session.rollback()
            finally:
                db.session.remove()


# -- processes and threads ------------------------------------------------------

def _worker(config: dict, learners: list[tuple[int, str]], threads: int, ready, go, out, stop_at: float):
    """One process, like a gunicorn worker: its own app, `threads` learners at a time."""
    try:
        from course import create_app

        app = create_app(config)
        pending = queue.Queue()
        for item in learners:
            pending.put(item)
        latencies: dict = {}
        tally: Counter = Counter()
        lock = threading.Lock()

        def thread_main():
            mine_lat: dict = {}
            mine_tally: Counter = Counter()
            while time.time() < stop_at:
                try:
                    user_id, lang = pending.get_nowait()
                except queue.Empty:
                    break
                Learner(app, user_id, lang, mine_lat, mine_tally).run()
            with lock:
                tally.update(mine_tally)
                for kind, values in mine_lat.items():
                    latencies.setdefault(kind, []).extend(values)

        ready.put("ready")
        go.wait(timeout=300)
        workers = [threading.Thread(target=thread_main) for _ in range(threads)]
        for t in workers:
            t.start()
        for t in workers:
            t.join()
        out.put({"tally": dict(tally), "latencies": latencies, "ended": time.perf_counter()})
    except Exception:  # noqa: BLE001
        ready.put("ready")
        out.put({"tally": {"failures": 1}, "latencies": {"_errors": [traceback.format_exc(limit=8)]},
                 "ended": time.perf_counter()})


def _make_learners(ws: Workspace, count: int, prefix: str) -> list[tuple[int, str]]:
    from course.auth.accounts import create_user
    from course.extensions import db

    app = ws.create_app()
    out = []
    with app.app_context():
        for n in range(count):
            lang = LANGS[n % len(LANGS)]
            user = create_user(f"{prefix}{n}@bench.example", PASSWORD, name=f"Learner {n}", lang=lang,
                               confirmed=True)
            out.append((user.id, lang))
        db.session.remove()
        db.engine.dispose()
    return out


def scenario(ws: Workspace, learners: list, processes: int, threads: int, deadline: Deadline) -> dict:
    ctx = mp.get_context("fork")
    ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    shares = [learners[i::processes] for i in range(processes)]
    stop_at = time.time() + max(10.0, deadline.left() - 20)
    children = [ctx.Process(target=_worker, args=(ws.config(), share, threads, ready, go, out, stop_at))
                for share in shares if share]
    for child in children:
        child.start()
    for _ in children:
        ready.get(timeout=max(30, deadline.left()))
    started = time.perf_counter()
    go.set()
    reports = [out.get(timeout=max(30, deadline.left() + 30)) for _ in children]
    elapsed = max(r["ended"] for r in reports) - started
    for child in children:
        child.join(timeout=30)
    tally: Counter = Counter()
    latencies: dict = {}
    for report in reports:
        tally.update(report["tally"])
        for kind, values in report["latencies"].items():
            latencies.setdefault(kind, []).extend(values)
    ops = sum(v for k, v in tally.items() if k.startswith("op:"))
    return {"elapsed": elapsed, "ops": ops, "rate": ops / elapsed if elapsed else 0.0, "tally": tally,
            "latencies": latencies, "learners": len(learners), "processes": len(children), "threads": threads}


def count_rows(ws: Workspace, user_ids: list[int]) -> dict:
    """What is really in the database, read with a new connection (not the app's)."""
    from sqlalchemy import bindparam, create_engine, text

    engine = create_engine(ws.database_url)
    try:
        with engine.connect() as conn:
            def one(sql):
                return conn.execute(text(sql).bindparams(bindparam("ids", expanding=True)), {"ids": user_ids}).scalar()
            rows = {
                "lessons": one("SELECT COUNT(*) FROM lesson_progress WHERE completed_at IS NOT NULL AND user_id IN :ids"),
                "quiz_attempts": one("SELECT COUNT(*) FROM quiz_attempts WHERE user_id IN :ids"),
                "quiz_answers": one("SELECT COUNT(*) FROM quiz_answers a JOIN quiz_attempts t ON t.id = a.attempt_id "
                                    "WHERE t.user_id IN :ids"),
                "reflection_answers": one("SELECT COUNT(*) FROM reflection_answers WHERE user_id IN :ids"),
                "module_completions": one("SELECT COUNT(*) FROM module_completions WHERE user_id IN :ids"),
                "courses_completed": one("SELECT COUNT(*) FROM users WHERE course_completed_at IS NOT NULL AND id IN :ids"),
            }
            if engine.dialect.name == "sqlite":
                rows["journal_mode"] = conn.execute(text("PRAGMA journal_mode")).scalar()
            return rows
    finally:
        engine.dispose()


def check(run: dict, rows: dict, modules: int) -> tuple[int, int, list[str]]:
    """(failed, lost, problems): failures reported by the learners, and rows
    the learners stored that are not in the file."""
    tally = run["tally"]
    failed = tally.get("failures", 0)
    lost = 0
    problems = []
    done = tally.get("learners_done", 0)
    expected = {
        "lessons": tally.get("lessons", 0),
        "quiz_attempts": tally.get("quiz_attempts", 0),
        "quiz_answers": tally.get("quiz_answers", 0),
        "reflection_answers": tally.get("reflection_answers", 0),
        "module_completions": done * modules,
        "courses_completed": done,
    }
    for key, want in expected.items():
        have = rows[key]
        if have < want:
            lost += want - have
            problems.append(f"{key}: {want} stored by the learners, {have} in the file")
        elif have > want and key in ("quiz_attempts", "quiz_answers"):
            problems.append(f"{key}: {have} in the file, more than the {want} stored")
    return failed, lost, problems


def _rows_table(run: dict, rows: dict, modules: int) -> list[dict]:
    tally = run["tally"]
    done = tally.get("learners_done", 0)
    stored = {
        "lessons completed": ("lessons", tally.get("lessons", 0)),
        "quiz attempts": ("quiz_attempts", tally.get("quiz_attempts", 0)),
        "quiz answers": ("quiz_answers", tally.get("quiz_answers", 0)),
        "reflection answers": ("reflection_answers", tally.get("reflection_answers", 0)),
        "module completions": ("module_completions", done * modules),
        "courses completed": ("courses_completed", done),
    }
    return [{"what": label, "stored by learners": want, "in the file": rows[key]}
            for label, (key, want) in stored.items()]


def run(result: Result, deadline: Deadline) -> None:
    """SQLite, then the same on PostgreSQL (a throw-away server), side by side."""
    sqlite_part = Deadline(min(90.0, deadline.left() / 2))
    with Workspace("writes") as ws:
        run_on(result, ws, sqlite_part, "SQLite")
    if deadline.left() < 90:
        result.notes.append("PostgreSQL skipped: not enough time left in the budget")
        return
    with postgres_database("aula_writes") as url:
        if url is None:
            result.notes.append("PostgreSQL skipped: Debian's postgresql is not installed")
            return
        with Workspace("writes-pg", database_url=url) as ws:
            run_on(result, ws, Deadline(deadline.left() - 5), "PostgreSQL")


def run_on(result: Result, ws: Workspace, deadline: Deadline, label: str) -> None:
    ws.migrate()
    app = ws.create_app()
    with app.app_context():
        from course.content import get_content
        view = get_content().course("en")
        modules = len(view.modules)
        lessons = sum(len(m.published_lessons()) for m in view.modules)
    try:
        import course.activities.quizzes  # noqa: F401
        result.details["quiz_path"] = "course.activities (record_attempt, after_quiz, save_answers)"
    except ImportError:
        result.details["quiz_path"] = "QuizAttempt rows (the activities area has not landed)"
    result.details["course"] = f"{modules} modules, {lessons} lessons per learner"

    runs = {}
    for index, (name, (processes, threads, learners)) in enumerate(SCENARIOS.items()):
        people = _make_learners(ws, learners, f"scenario{index}-")
        log(f"{name}: {learners} learners, {processes} process(es) x {threads} thread(s)")
        share = Deadline(max(20.0, min(deadline.left() - 10, deadline.seconds * SHARE[name])))
        done = scenario(ws, people, processes, threads, share)
        done["rows"] = count_rows(ws, [u for u, _ in people])
        runs[name] = done
        log(f"{name}: {done['ops']} writes in {done['elapsed']:.1f} s = {done['rate']:.1f} writes/s")

    serial = runs[SERIAL]
    failed = lost = 0
    problems = []
    for name, done in runs.items():
        f, l, p = check(done, done["rows"], modules)
        failed, lost = failed + f, lost + l
        problems += [f"{label}, {name}: {text}" for text in p]
        if done["tally"].get("learners_done", 0) < done["learners"]:
            result.notes.append(f"{name}: only {done['tally'].get('learners_done', 0)} of {done['learners']} "
                                "learners finished within the time budget")
        errors = done["latencies"].get("_errors", [])
        if errors:
            result.notes.append(f"{name}: {len(errors)} learner(s) failed; first error:\n{errors[0]}")
    for name, done in runs.items():
        if name == SERIAL:
            continue
        result.add(Figure(f"{label}: writes per second, {name}", done["rate"], "writes/s", "one learner at a time",
                          serial["rate"], "higher"))
    result.add(Figure(f"{label}: failed writes (all scenarios)", failed, "", better="lower", target="zero", met=failed == 0))
    result.add(Figure(f"{label}: lost writes: stored but not in the database (all scenarios)", lost, "", better="lower",
                      target="zero", met=lost == 0))
    serial_lat = [v for k, vs in serial["latencies"].items() if not k.startswith("_") for v in vs]
    for name, done in runs.items():
        if name == SERIAL:
            continue
        lat = [v for k, vs in done["latencies"].items() if not k.startswith("_") for v in vs]
        result.add(Figure(f"{label}: p99 latency of one write, {name}", percentile(lat, 0.99), "ms",
                          "one learner at a time", percentile(serial_lat, 0.99), "lower"))
    if "journal_mode" in serial["rows"]:
        result.details["journal_mode"] = serial["rows"]["journal_mode"]
    result.details[f"{label}: scenarios"] = [
        {"scenario": name, "processes x threads": f"{d['processes']} x {d['threads']}", "learners": d["learners"],
         "finished": d["tally"].get("learners_done", 0), "writes": d["ops"], "seconds": round(d["elapsed"], 1),
         "writes/s": round(d["rate"], 1)}
        for name, d in runs.items()
    ]
    stress = runs[STRESS]
    result.details[f"{label}: rows in the database after '{STRESS}'"] = _rows_table(stress, stress["rows"], modules)
    result.details[f"{label}: latency by write, '{STRESS}'"] = [
        {"write": kind, "count": len(values), "p50_ms": round(percentile(values, 0.5), 1),
         "p99_ms": round(percentile(values, 0.99), 1)}
        for kind, values in sorted(stress["latencies"].items()) if not kind.startswith("_")
    ]
    result.notes += problems
