"""`flask reminders tick` and `flask reminders run`, in-process and as real processes.

The scheduler is the engine under test, not the shipped course: the app and the
processes serve the tests' small course (a process start loads it in a fifth of
a second less).
"""
import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from course.config import PROJECT_ROOT
from tests.conftest import FIXTURE_COURSE, TEST_SECRET
from tests.smtp import Recorder, SMTPServer

FLASK = str(Path(sys.executable).with_name("flask"))


@pytest.fixture
def app_config(smtp_server):
    return {"SMTP_URL": f"smtp://127.0.0.1:{smtp_server.port}?timeout=5", "CONTENT_DIR": str(FIXTURE_COURSE)}


def env_for(database_url, smtp_server, **extra):
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "SMTP_URL": f"smtp://127.0.0.1:{smtp_server.port}?timeout=5",
        "BASE_URL": "http://aula.test",
        "CONTENT_DIR": str(FIXTURE_COURSE),
    })
    env.update(extra)
    return env


def first_tick(app):
    """The scheduler's first tick, at 05:59 UTC, before anything is due: it only records where the
    week starts, so it runs in this process (a process start saved); the ticks under test are processes."""
    from course.reminders.scheduler import tick

    with app.app_context():
        report = tick(datetime(2026, 10, 26, 5, 59, tzinfo=timezone.utc))
    assert (report.queued, report.sent) == (0, 0)


def test_tick_with_now(runner, make_user, smtp_server):
    make_user(email="tokyo@example.com", timezone="Asia/Tokyo", lang="pl")
    result = runner.invoke(args=["reminders", "tick", "--now", "2026-10-25T21:59:00Z"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["reminders", "tick", "--now", "2026-10-26T07:00:00+09:00"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    assert len(smtp_server.messages) == 1


def test_tick_refuses_a_bad_moment_or_smtp_url(runner, app):
    result = runner.invoke(args=["reminders", "tick", "--now", "next tuesday"])
    assert result.exit_code == 2 and "ISO 8601" in result.output
    app.config["SMTP_URL"] = "smtps://h?starttls=1"
    result = runner.invoke(args=["reminders", "tick"])
    assert result.exit_code == 1 and "starttls" in result.output


def test_two_schedulers_in_two_processes_send_exactly_once(app, database_url, make_user, smtp_server):
    ids = [make_user(timezone="Europe/Rome") for _ in range(30)]
    env = env_for(database_url, smtp_server, REMINDER_BATCH="")
    tick = [FLASK, "--app", "app", "reminders", "tick", "--now"]
    first_tick(app)
    procs = [subprocess.Popen(tick + ["2026-10-26T06:00:00Z"], env=env, cwd=PROJECT_ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    recipients = [m["To"].addresses[0].addr_spec for m in smtp_server.messages]
    assert len(recipients) == len(ids) == len(set(recipients))


def test_run_sends_and_stops_cleanly_on_sigterm_and_ctrl_c(app, database_url, make_user, smtp_server):
    from course.extensions import db
    from course.models import ReminderSchedule
    from course.reminders.schedule import zone

    uid = make_user(timezone="UTC")
    # A reminder due now (in UTC, this minute), so `run` sends it on its first tick.
    now = datetime.now(timezone.utc)
    with app.app_context():
        row = db.session.get(ReminderSchedule, (uid, now.weekday()))
        row.enabled, row.minute = True, now.hour * 60 + now.minute
        db.session.commit()
    for sig in (signal.SIGTERM, signal.SIGINT):
        proc = subprocess.Popen([FLASK, "--app", "app", "reminders", "run"], env=env_for(database_url, smtp_server),
                                cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first_line = proc.stderr.readline()  # printed once the signal handlers are in place
        assert "running" in first_line, first_line + proc.stderr.read()
        deadline = time.monotonic() + 60
        while not smtp_server.messages and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert smtp_server.messages
        time.sleep(0.5)
        started = time.monotonic()
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        assert time.monotonic() - started < 10
        assert "stopped" in err and "Traceback" not in err
    assert len(smtp_server.messages) == 1  # the second run found nothing more to send


def test_run_stops_while_waiting(app):
    import threading

    from course.reminders.cli import run_forever

    stop = threading.Event()
    ticks = []

    def echo(line):
        ticks.append(line)

    timer = threading.Timer(0.5, stop.set)
    timer.start()
    started = time.monotonic()
    with app.app_context():
        run_forever(stop, echo=echo)
    assert time.monotonic() - started < 5


def test_three_schedulers_with_several_senders_send_every_email_exactly_once(app, database_url, make_user,
                                                                             smtp_server):
    """Three `tick` processes at once, two senders each, small batches: every learner gets one email."""
    ids = [make_user(timezone="Europe/Rome") for _ in range(60)]
    env = env_for(database_url, smtp_server, REMINDER_BATCH_SIZE="10")
    tick = [FLASK, "--app", "app", "reminders", "tick", "--senders", "2", "--now"]
    first_tick(app)
    procs = [subprocess.Popen(tick + ["2026-10-26T06:00:00Z"], env=env, cwd=PROJECT_ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    recipients = sorted(m["To"].addresses[0].addr_spec for m in smtp_server.messages)
    assert len(recipients) == len(set(recipients)) == len(ids)
    assert sum(int(out.split(" sent,")[0].rsplit(" ", 1)[1]) for out, _ in outputs) == len(ids)
    assert smtp_server.handler.sessions >= 2  # the senders' own connections (one sender may find nothing left)


class HoldingRecorder(Recorder):
    """Accepts `accept` messages, then holds the next DATA unanswered (the scheduler is killed meanwhile)."""

    def __init__(self, accept: int):
        super().__init__()
        self.accept = accept
        self.holding = threading.Event()
        self.held = None

    async def handle_DATA(self, server, session, envelope):
        if len(self.messages) == self.accept and not self.holding.is_set():
            self.held = envelope.rcpt_tos[0]
            self.holding.set()
            await asyncio.sleep(3600)  # never answered: the client dies first
        return await super().handle_DATA(server, session, envelope)


def test_a_scheduler_killed_mid_batch_loses_nothing_and_doubles_nothing(app, runner, database_url, make_user):
    """SIGKILL while the mail server holds the 11th email: after the lease, the 19 emails never handed over
    are sent once; the 11th (the server may have it) is recorded failed, never sent twice. The scheduler
    killed is a real process; the one that recovers runs its tick in this process."""
    users = {f"k{n}@example.com": make_user(email=f"k{n}@example.com", timezone="Europe/Rome") for n in range(30)}
    handler = HoldingRecorder(accept=10)
    server = SMTPServer(handler).start()
    try:
        env = env_for(database_url, server, REMINDER_BATCH_SIZE="100")
        tick = [FLASK, "--app", "app", "reminders", "tick", "--now"]
        first_tick(app)
        proc = subprocess.Popen(tick + ["2026-10-26T06:00:00Z"], env=env, cwd=PROJECT_ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert handler.holding.wait(timeout=120)
        proc.kill()
        proc.wait(timeout=30)
        assert len(handler.messages) == 10
        app.config.update(SMTP_URL=f"smtp://127.0.0.1:{server.port}?timeout=5", REMINDER_BATCH_SIZE=100)
        result = runner.invoke(args=["reminders", "tick", "--now", "2026-10-26T06:16:00Z"])
        assert result.exit_code == 0, result.output
        assert result.output == ("reminders: 2026-10-26T06:16:00+00:00: 0 queued, 19 sent, 0 to retry, 1 failed, "
                                 "0 missed, 0 skipped\n")
    finally:
        server.stop()
    recipients = sorted(m["To"].addresses[0].addr_spec for m in handler.messages)
    assert recipients == sorted(set(users) - {handler.held})
    from sqlalchemy import text

    from course.extensions import db

    with app.app_context():
        rows = dict(db.session.execute(text("SELECT user_id, status FROM reminder_deliveries")).all())
    assert rows == {uid: ("failed" if email == handler.held else "sent") for email, uid in users.items()}


class SnapshotRecorder(Recorder):
    """At each DATA, before answering, reads what the database holds (another connection, as a
    recovering scheduler would): {address: (status, Message-ID)} for every delivery."""

    def __init__(self, database_url):
        super().__init__()
        from sqlalchemy import create_engine

        self.engine = create_engine(database_url)
        self.snapshots = []  # (the Message-ID at the server, the rows)

    def read(self):
        from sqlalchemy import text

        with self.engine.connect() as conn:
            return {email: (status, message_id) for email, status, message_id in conn.execute(text(
                "SELECT u.email, d.status, d.message_id FROM reminder_deliveries d JOIN users u ON u.id = d.user_id"))}

    async def handle_DATA(self, server, session, envelope):
        import email as email_module

        at_server = email_module.message_from_bytes(envelope.content)["Message-ID"]
        self.snapshots.append((at_server, self.read()))
        return await super().handle_DATA(server, session, envelope)


def test_while_an_email_is_at_the_mail_server_the_database_holds_it_as_maybe_sent(app, runner, database_url,
                                                                                  make_user):
    """What a scheduler that died at that moment leaves for the recovery: every earlier email of the
    batch recorded sent, this one 'sending' with the Message-ID it carries, the rest claimed, unmarked.
    The tick runs in this process (the mail server reads the database on a connection of its own, as
    another process would); the tests above run it as real processes."""
    addresses = [f"s{n}@example.com" for n in range(6)]
    for address in addresses:
        make_user(email=address, timezone="Europe/Rome")
    handler = SnapshotRecorder(database_url)
    server = SMTPServer(handler).start()
    try:
        first_tick(app)
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{server.port}?timeout=5"
        result = runner.invoke(args=["reminders", "tick", "--now", "2026-10-26T06:00:00Z"])
        assert result.exit_code == 0, result.output
        assert result.output == ("reminders: 2026-10-26T06:00:00+00:00: 6 queued, 6 sent, 0 to retry, 0 failed, "
                                 "0 missed, 0 skipped\n")
        final = handler.read()
    finally:
        server.stop()
        handler.engine.dispose()
    order = [m["To"].addresses[0].addr_spec for m in handler.messages]
    ids = {m["To"].addresses[0].addr_spec: m["Message-ID"] for m in handler.messages}
    assert sorted(order) == addresses
    for n, (at_server, rows) in enumerate(handler.snapshots):
        assert at_server == ids[order[n]]
        assert rows == {
            **{address: ("sent", ids[address]) for address in order[:n]},
            order[n]: ("sending", at_server),
            **{address: ("sending", None) for address in order[n + 1:]},
        }
    assert final == {address: ("sent", ids[address]) for address in addresses}
