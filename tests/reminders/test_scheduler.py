"""The tick against a real SMTP server: exactly once, late, refused, retried, concurrent."""
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, select, text, update

from course.extensions import db
from course.models import ReminderDelivery, ReminderSchedule, User, utcnow
from course.reminders import scheduler
from course.reminders.scheduler import retry_delay, tick
from tests.conftest import make_app
from tests.databases import ON_POSTGRES

UTC = timezone.utc
# Monday 26 October 2026, 07:00 in Rome (CET, the day after the clocks went back) is 06:00 UTC.
MONDAY_7_ROME = datetime(2026, 10, 26, 6, 0, tzinfo=UTC)


@pytest.fixture
def app_config(smtp_server):
    return {"SMTP_URL": f"smtp://127.0.0.1:{smtp_server.port}?timeout=5"}


def run_tick(app, now, **kwargs):
    with app.app_context():
        return tick(now, **kwargs)


def deliveries(app, user_id=None):
    with app.app_context():
        query = select(ReminderDelivery).order_by(ReminderDelivery.id)
        if user_id is not None:
            query = query.where(ReminderDelivery.user_id == user_id)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
        return rows


def edit_user(app, user_id, **values):
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(**values))
        db.session.commit()


def test_due_at_seven_local_sent_once_even_when_ticked_again(app, make_user, smtp_server):
    uid = make_user(email="rome@example.com", timezone="Europe/Rome", lang="it")
    assert run_tick(app, MONDAY_7_ROME - timedelta(minutes=1)).sent == 0
    report = run_tick(app, MONDAY_7_ROME)
    assert report.sent == 1
    assert run_tick(app, MONDAY_7_ROME).sent == 0  # the same minute again
    assert run_tick(app, MONDAY_7_ROME + timedelta(minutes=1)).sent == 0
    assert len(smtp_server.handler.to("rome@example.com")) == 1
    [row] = deliveries(app, uid)
    assert (row.status, row.local_date.isoformat(), row.due_at, row.sent_at, row.attempts) == (
        "sent", "2026-10-26", MONDAY_7_ROME, MONDAY_7_ROME, 1)
    assert row.message_id == smtp_server.messages[0]["Message-ID"]


def test_the_first_tick_ever_looks_back_only_over_the_grace_period(app, make_user, smtp_server):
    make_user(timezone="Europe/Rome")
    report = run_tick(app, MONDAY_7_ROME + timedelta(hours=1))  # the scheduler starts at 08:00
    assert (report.sent, report.missed) == (1, 0)
    make_user(email="late@example.com", timezone="Europe/Rome")
    report = run_tick(app, MONDAY_7_ROME + timedelta(days=1, hours=3))  # next tick: Tuesday 10:00
    assert report.missed == 2 and report.sent == 0  # Tuesday 07:00, three hours late, for both


def test_late_within_two_hours_is_sent_later_is_missed(app, make_user, smtp_server):
    uid = make_user(timezone="Europe/Rome")
    run_tick(app, MONDAY_7_ROME - timedelta(minutes=5))  # the scheduler ran at 06:55...
    report = run_tick(app, MONDAY_7_ROME + timedelta(minutes=119))  # ...then not again until 08:59
    assert report.sent == 1
    # Tuesday: the scheduler stops before 07:00 and comes back at 09:01.
    run_tick(app, MONDAY_7_ROME + timedelta(days=1, minutes=-5))
    report = run_tick(app, MONDAY_7_ROME + timedelta(days=1, minutes=121))
    assert (report.sent, report.missed) == (0, 1)
    rows = deliveries(app, uid)
    assert [r.status for r in rows] == ["sent", "missed"]
    assert "no scheduler ran" in rows[1].last_error
    assert len(smtp_server.messages) == 1


def test_grace_is_configurable(app, make_user, smtp_server):
    app.config["REMINDER_GRACE_MINUTES"] = 10
    make_user(timezone="Europe/Rome")
    run_tick(app, MONDAY_7_ROME - timedelta(minutes=5))
    assert run_tick(app, MONDAY_7_ROME + timedelta(minutes=11)).missed == 1


@pytest.mark.parametrize("change, reason", [
    ({"email_confirmed_at": None}, None),
    ({"reminders_unsubscribed_at": datetime(2026, 10, 1, tzinfo=UTC)}, None),
    ({"course_completed_at": datetime(2026, 10, 1, tzinfo=UTC)}, None),
    ({"active": False}, None),
    ({"role": "instructor"}, None),
])
def test_no_reminder_for_who_must_not_get_one(app, make_user, smtp_server, change, reason):
    uid = make_user(timezone="Europe/Rome")
    edit_user(app, uid, **change)
    run_tick(app, MONDAY_7_ROME - timedelta(minutes=1))
    assert run_tick(app, MONDAY_7_ROME).sent == 0
    assert smtp_server.messages == [] and deliveries(app) == []


def test_unsubscribing_after_the_slot_was_queued_stops_it(app, make_user, smtp_server):
    uid = make_user(timezone="Europe/Rome")
    smtp_server.handler.refuse = ["451 4.3.0 Try again later"]
    run_tick(app, MONDAY_7_ROME - timedelta(minutes=1))
    assert run_tick(app, MONDAY_7_ROME).retrying == 1
    edit_user(app, uid, reminders_unsubscribed_at=utcnow())
    report = run_tick(app, MONDAY_7_ROME + timedelta(minutes=1))
    assert (report.sent, report.skipped) == (0, 1)
    [row] = deliveries(app, uid)
    assert row.status == "missed" and "unsubscribed" in row.last_error


def test_days_off_and_changed_times(app, make_user, smtp_server):
    uid = make_user(timezone="Europe/Rome")
    with app.app_context():
        db.session.execute(update(ReminderSchedule).where(ReminderSchedule.user_id == uid, ReminderSchedule.weekday == 0)
                           .values(minute=7 * 60 + 30))
        db.session.execute(update(ReminderSchedule).where(ReminderSchedule.user_id == uid, ReminderSchedule.weekday == 1)
                           .values(enabled=False))
        db.session.commit()
    run_tick(app, MONDAY_7_ROME - timedelta(minutes=1))
    assert run_tick(app, MONDAY_7_ROME).sent == 0
    assert run_tick(app, MONDAY_7_ROME + timedelta(minutes=30)).sent == 1  # Monday 07:30
    assert run_tick(app, MONDAY_7_ROME + timedelta(days=1, hours=1)).sent == 0  # Tuesday off
    assert run_tick(app, MONDAY_7_ROME + timedelta(days=2)).sent == 1  # Wednesday 07:00


def test_a_server_that_refuses_then_recovers(app, make_user, smtp_server):
    uid = make_user(timezone="Europe/Rome")
    smtp_server.handler.refuse = ["421 4.3.2 Service not available, closing", "451 4.7.1 Greylisted, try later"]
    run_tick(app, MONDAY_7_ROME - timedelta(minutes=1))
    report = run_tick(app, MONDAY_7_ROME)
    assert (report.sent, report.retrying) == (0, 1)
    [row] = deliveries(app, uid)
    assert (row.status, row.attempts) == ("queued", 1)
    assert "421" in row.last_error and row.next_attempt_at == MONDAY_7_ROME + retry_delay(1)
    assert run_tick(app, MONDAY_7_ROME + timedelta(seconds=30)).sent == 0  # not yet time to retry
    report = run_tick(app, MONDAY_7_ROME + timedelta(minutes=1))
    assert report.retrying == 1
    [row] = deliveries(app, uid)
    assert row.attempts == 2 and row.next_attempt_at == MONDAY_7_ROME + timedelta(minutes=1) + retry_delay(2)
    report = run_tick(app, MONDAY_7_ROME + timedelta(minutes=3))  # recovered
    assert report.sent == 1
    [row] = deliveries(app, uid)
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, None)
    assert len(smtp_server.messages) == 1
    assert run_tick(app, MONDAY_7_ROME + timedelta(minutes=30)).sent == 0


def test_5xx_fails_with_the_reason_and_is_not_retried(app, make_user, smtp_server):
    uid = make_user(timezone="Europe/Rome")
    other = make_user(timezone="Europe/Rome")
    smtp_server.handler.refuse = ["550 5.1.1 Mailbox unavailable"]
    run_tick(app, MONDAY_7_ROME - timedelta(minutes=1))
    report = run_tick(app, MONDAY_7_ROME)
    assert (report.sent, report.failed) == (1, 1)  # the other learner's email still goes
    statuses = {r.user_id: (r.status, r.last_error) for r in deliveries(app)}
    assert statuses[uid] == ("failed", "550 5.1.1 Mailbox unavailable")
    assert statuses[other] == ("sent", None)
    assert run_tick(app, MONDAY_7_ROME + timedelta(minutes=5)).sent == 0


def test_a_server_that_stays_down_gives_up_after_the_window(app, make_user, smtp_server):
    ids = [make_user(timezone="Europe/Rome") for _ in range(3)]
    smtp_server.stop()
    run_tick(app, MONDAY_7_ROME - timedelta(minutes=1))
    report = run_tick(app, MONDAY_7_ROME)
    assert report.retrying == 3 and report.sent == 0
    rows = deliveries(app)
    assert sorted(r.attempts for r in rows) == [0, 0, 1]  # one try; the others wait without a wasted attempt
    assert all(r.status == "queued" and "cannot reach" in r.last_error for r in rows)
    moment = MONDAY_7_ROME
    while moment < MONDAY_7_ROME + timedelta(hours=3):
        moment += timedelta(minutes=1)
        run_tick(app, moment)
    rows = deliveries(app)
    assert {r.status for r in rows} == {"failed"} and len(rows) == len(ids)
    assert all("cannot reach" in r.last_error for r in rows)
    assert all(r.attempts >= 3 for r in rows)


def _claim_then_die(app, uid, attempted: bool):
    """A scheduler claims the slot and dies, before or after handing its email to the mail server."""
    run_tick(app, MONDAY_7_ROME - timedelta(minutes=1))
    with app.app_context():
        report = scheduler.TickReport(now=MONDAY_7_ROME)
        scheduler.record_due(MONDAY_7_ROME, report)
        [slot] = scheduler.claim(MONDAY_7_ROME, 10, "crashed-worker")
        if attempted:
            with scheduler._Outcomes.recording() as out:
                assert out.attempting(slot, "<x@aula.test>")
    # ...and then the process died.


def test_a_claim_never_handed_to_the_mail_server_is_sent_once_after_its_lease(app, make_user, smtp_server):
    uid = make_user(timezone="Europe/Rome", email="late@example.com")
    _claim_then_die(app, uid, attempted=False)
    report = run_tick(app, MONDAY_7_ROME + timedelta(minutes=5))  # the lease (15 minutes) holds
    assert (report.sent, report.reclaimed) == (0, 0)
    report = run_tick(app, MONDAY_7_ROME + timedelta(minutes=16))
    assert (report.reclaimed, report.sent, report.failed) == (1, 1, 0)
    [row] = deliveries(app, uid)
    assert (row.status, row.attempts) == ("sent", 1)
    assert [m["To"].addresses[0].addr_spec for m in smtp_server.messages] == ["late@example.com"]
    assert run_tick(app, MONDAY_7_ROME + timedelta(minutes=40)).sent == 0
    assert len(smtp_server.messages) == 1


def test_a_claim_found_after_the_grace_window_is_recorded_missed(app, make_user, smtp_server):
    uid = make_user(timezone="Europe/Rome")
    _claim_then_die(app, uid, attempted=False)
    report = run_tick(app, MONDAY_7_ROME + timedelta(hours=3))
    assert (report.reclaimed, report.missed, report.sent) == (1, 1, 0)
    [row] = deliveries(app, uid)
    assert row.status == "missed"
    assert smtp_server.messages == []


def test_an_email_maybe_at_the_mail_server_is_never_sent_again(app, make_user, smtp_server):
    uid = make_user(timezone="Europe/Rome")
    _claim_then_die(app, uid, attempted=True)
    assert run_tick(app, MONDAY_7_ROME + timedelta(minutes=5)).sent == 0
    report = run_tick(app, MONDAY_7_ROME + timedelta(minutes=16))
    assert (report.failed, report.reclaimed, report.sent) == (1, 0, 0)
    [row] = deliveries(app, uid)
    assert row.status == "failed" and "interrupted" in row.last_error
    assert smtp_server.messages == []


def test_a_sender_whose_claim_was_taken_back_sends_nothing(app, make_user, smtp_server):
    """A claim outlived its lease and another scheduler took it back: the first one must not send it."""
    uid = make_user(timezone="Europe/Rome")
    run_tick(app, MONDAY_7_ROME - timedelta(minutes=1))
    with app.app_context():
        scheduler.record_due(MONDAY_7_ROME, scheduler.TickReport(now=MONDAY_7_ROME))
        [slot] = scheduler.claim(MONDAY_7_ROME, 10, "slow-worker")
    assert run_tick(app, MONDAY_7_ROME + timedelta(minutes=16)).sent == 1
    with app.app_context(), scheduler._Outcomes.recording() as out:
        assert out.attempting(slot, "<late@aula.test>") is False
    [row] = deliveries(app, uid)
    assert row.status == "sent"
    assert len(smtp_server.messages) == 1


def test_a_stop_request_gives_back_what_was_not_sent(app, make_user, smtp_server):
    for _ in range(3):
        make_user(timezone="Europe/Rome")
    run_tick(app, MONDAY_7_ROME - timedelta(minutes=1))
    stop = threading.Event()
    stop.set()
    with app.app_context():
        report = scheduler.TickReport(now=MONDAY_7_ROME)
        scheduler.record_due(MONDAY_7_ROME, report)
        slots = scheduler.claim(MONDAY_7_ROME, 10, "me")
        with scheduler.mailer_for(app.config) as mailer:
            scheduler.send_claimed(slots, MONDAY_7_ROME, mailer, report, stop)
    rows = deliveries(app)
    assert [(r.status, r.attempts, r.claimed_by) for r in rows] == [("queued", 0, None)] * 3
    assert run_tick(app, MONDAY_7_ROME).sent == 3


def test_concurrent_ticks_in_threads_send_exactly_once(app, make_user, smtp_server):
    zones = ["Europe/Rome", "Europe/Berlin", "Europe/Paris", "Africa/Lagos"]  # all 07:00 at 06:00 UTC
    ids = [make_user(timezone=zones[i % len(zones)]) for i in range(24)]
    run_tick(app, MONDAY_7_ROME - timedelta(minutes=1))
    app.config["REMINDER_BATCH_SIZE"] = 3
    barrier = threading.Barrier(4)
    reports, errors = [], []

    def worker(n):
        try:
            barrier.wait()
            reports.append(run_tick(app, MONDAY_7_ROME, worker=f"thread-{n}"))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sum(r.sent for r in reports) == len(ids)
    recipients = [m["To"].addresses[0].addr_spec for m in smtp_server.messages]
    assert len(recipients) == len(ids) == len(set(recipients))
    assert {r.status for r in deliveries(app)} == {"sent"}


@pytest.mark.skipif(not ON_POSTGRES, reason="SKIP LOCKED is PostgreSQL's (SQLite has one writer): make test-postgres")
def test_on_postgresql_a_claim_never_waits_for_another_schedulers_rows(app, make_user, database_url):
    """Another scheduler holds the first two due rows locked, mid-claim: a claim takes the other rows
    at once. Its connection's lock_timeout turns any wait for a lock into an error."""
    for _ in range(4):
        make_user(timezone="Europe/Rome")
    run_tick(app, MONDAY_7_ROME - timedelta(minutes=1))
    with app.app_context():
        scheduler.record_due(MONDAY_7_ROME, scheduler.TickReport(now=MONDAY_7_ROME))
    queued = [row.id for row in deliveries(app)]
    assert len(queued) == 4
    impatient = make_app(database_url, SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": "-c lock_timeout=3s"}})
    other = create_engine(database_url)
    try:
        with other.connect() as conn, conn.begin():
            locked = conn.execute(text("SELECT id FROM reminder_deliveries WHERE status = 'queued' "
                                       "ORDER BY next_attempt_at, id LIMIT 2 FOR UPDATE")).scalars().all()
            with impatient.app_context():
                slots = scheduler.claim(MONDAY_7_ROME, 10, "second-scheduler")
                db.session.remove()
                db.engine.dispose()
        assert sorted(slot.id for slot in slots) == sorted(set(queued) - set(locked))
    finally:
        other.dispose()
    assert sorted((row.id, row.status) for row in deliveries(app)) == sorted(
        (id_, "queued" if id_ in locked else "sending") for id_ in queued)


def test_the_slot_row_is_unique_in_the_database(app, make_user):
    from sqlalchemy.exc import IntegrityError

    uid = make_user()
    with app.app_context():
        for _ in range(2):
            db.session.add(ReminderDelivery(user_id=uid, local_date=MONDAY_7_ROME.date(), due_at=MONDAY_7_ROME))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_the_last_tick_only_moves_forward(app, make_user, smtp_server):
    run_tick(app, MONDAY_7_ROME)
    run_tick(app, MONDAY_7_ROME - timedelta(hours=1))
    with app.app_context():
        assert scheduler.last_tick() == MONDAY_7_ROME


def test_retry_delays_grow_to_the_maximum():
    assert [retry_delay(n).total_seconds() // 60 for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert retry_delay(3, max_minutes=3) == timedelta(minutes=3)
