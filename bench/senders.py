"""Reminders: sending scales out with `--senders N`.

A mail server that answers each message after 20 ms (bench.smtp_sink with a
delay, its own process) caps one SMTP connection at about 50 emails/s. One
tick (course.reminders.scheduler.tick, what `flask reminders tick --senders N`
runs) sends to learners who are all due, for SEND_SECONDS per N, with 1, 2, 4
and 8 senders; the figure is each rate against one sender's, measured in the
same run. On SQLite, and on PostgreSQL when Debian's server is installed
(a throw-away cluster, scripts/pg_cluster.py; the learners moved there with
`data dump` / `data load`). Every message the ticks report sent is counted at
the server.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

from .common import SCALE, Deadline, Figure, Result, Workspace, log, password_hash, postgres_database
from .population import insert_learners
from .reminders import Sink

LEARNERS = max(400, int(4000 * SCALE))
SENDERS = (1, 2, 4, 8)
SEND_SECONDS = 6
DELAY_MS = 20
NOW = datetime(2026, 11, 24, 7, 30, tzinfo=timezone.utc)  # 07:00 has just passed in London


def rates(app, sink_port: int) -> dict[int, tuple[float, int]]:
    """Emails per second (and emails sent) for each number of senders."""
    from sqlalchemy import delete

    from course.extensions import db
    from course.models import ReminderDelivery, SchedulerState
    from course.reminders import scheduler

    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{sink_port}"
    out = {}
    with app.app_context():
        for senders in SENDERS:
            db.session.execute(delete(ReminderDelivery))
            db.session.execute(delete(SchedulerState))
            db.session.commit()
            stop = threading.Event()
            timer = threading.Timer(SEND_SECONDS, stop.set)
            original = scheduler.expire
            started = []

            def expire_then_start(*args, **kwargs):
                value = original(*args, **kwargs)
                started.append(time.perf_counter())
                timer.start()
                return value

            scheduler.expire = expire_then_start
            try:
                report = scheduler.tick(NOW, stop=stop, worker=f"bench-{senders}", senders=senders)
            finally:
                scheduler.expire = original
                timer.cancel()
                db.session.remove()
            seconds = time.perf_counter() - started[0]
            out[senders] = (report.sent / seconds, report.sent)
            log(f"{senders} sender(s): {report.sent} sent in {seconds:.1f} s, {report.sent / seconds:.0f} emails/s")
    return out


def record(result: Result, label: str, measured: dict[int, tuple[float, int]], received: int) -> None:
    one = measured[1][0]
    for senders, (rate, _) in measured.items():
        if senders == 1:
            continue
        figure = Figure(name=f"{label}: {senders} senders", value=round(rate, 1), unit="emails/s",
                        baseline_name="1 sender", baseline=round(one, 1),
                        target=f"at least {0.6 * senders:.1f}x one sender")
        figure.met = rate >= 0.6 * senders * one
        result.add(figure)
    sent = sum(n for _, n in measured.values())
    result.details[f"{label}_rates"] = {str(k): round(v[0], 1) for k, v in measured.items()}
    result.details[f"{label}_received"] = f"{received} received by the server for {sent} reported sent"


def run(result: Result, deadline: Deadline) -> None:
    with Workspace("senders") as ws:
        ws.migrate()
        app = ws.create_app()
        insert_learners(ws.db_path, LEARNERS, hashed=password_hash(app), zones=("Europe/London",), prefix="s")
        result.details["population"] = (f"{LEARNERS:,} learners due at {NOW.isoformat()}; the mail server "
                                        f"answers each message after {DELAY_MS} ms")
        sink = Sink(DELAY_MS)
        try:
            measured = rates(app, sink.port)
        finally:
            received = sink.stop()
        record(result, "SQLite", measured, received)
        if deadline.left() < 60:
            result.notes.append("PostgreSQL skipped: not enough time left in the budget")
            return
        archive = ws.root / "learners.jsonl.gz"
        dumped = app.test_cli_runner().invoke(args=["data", "dump", str(archive)])
        if dumped.exit_code:
            raise RuntimeError(dumped.output)
        with postgres_database("aula_bench") as url:
            if url is None:
                result.notes.append("PostgreSQL skipped: Debian's postgresql is not installed")
                return
            with Workspace("senders-pg", database_url=url) as pg_ws:
                pg = pg_ws.create_app()
                runner = pg.test_cli_runner()
                for args in (["db", "upgrade"], ["data", "load", str(archive)]):
                    done = runner.invoke(args=args)
                    if done.exit_code:
                        raise RuntimeError(done.output)
                sink = Sink(DELAY_MS)
                try:
                    measured = rates(pg, sink.port)
                finally:
                    received = sink.stop()
                    from course.extensions import db

                    with pg.app_context():
                        db.engine.dispose()
            record(result, "PostgreSQL", measured, received)
