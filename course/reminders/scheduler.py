"""The tick: record the slots that fell due, claim them, send, record.

Exactly once lives in the database, not in this code:

1. Every slot that fell due since the last tick becomes a row of
   reminder_deliveries. The row's key, UNIQUE(user_id, local_date), lets
   only one row exist per learner and day, however many schedulers insert
   it at once (INSERT ... ON CONFLICT DO NOTHING).
2. A scheduler sends a row only after claiming it with
   `UPDATE ... SET status='sending' WHERE id IN (...) AND status='queued'`;
   the database lets one UPDATE win each row.
3. A claim is a lease (REMINDER_SENDING_TIMEOUT_MINUTES). Just before an
   email goes to the mail server, its row gets the email's Message-ID, in a
   commit that also checks the claim is still this scheduler's. When a
   scheduler dies, its rows stay 'sending'; once the lease has expired, any
   scheduler gives back those never handed to the mail server (sent later,
   exactly once, or recorded missed past the grace window), and marks
   failed the one it may have been sending (the server may have it: never
   sent again, so never doubled).
4. On PostgreSQL, schedulers claim with SELECT ... FOR UPDATE SKIP LOCKED:
   they never wait for one another's claims (SQLite has one writer anyway).

The slots are found with one query per window of at most a day: the pure
functions of `schedule` turn the window into, per time zone, the local date
and the range of minutes that fell due, and one SELECT over the
(weekday, minute) index finds every learner with a reminder in those ranges.
"""
import logging
import os
import socket
import threading
import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from flask import current_app
from sqlalchemy import and_, bindparam, literal, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..content import get_content
from ..database import insert_ignoring_duplicates
from ..extensions import db
from ..learn.progress import course_statuses
from ..mail.compose import public_site
from ..mail.mailer import PermanentFailure, TemporaryFailure, mailer_for
from ..models import DeliveryStatus, ReminderDelivery, ReminderSchedule, Role, SchedulerState, User, utcnow
from . import emails
from .schedule import due_at, due_ranges, split_window

log = logging.getLogger(__name__)

LAST_TICK = "reminders.last_tick"
CONDITIONS_PER_QUERY = 200  # OR-ed (weekday, minutes, zones) conditions in one SELECT
COMMIT_EVERY = 20  # record the outcome of this many emails at a time

#: Settings, with their defaults (init_app puts them in app.config).
DEFAULTS = {
    "REMINDER_GRACE_MINUTES": 120,  # a slot later than this is missed, not sent
    "REMINDER_LOOKBACK_DAYS": 7,  # how far back a tick records missed slots
    "REMINDER_BATCH_SIZE": 200,  # emails claimed (and sent on one connection) at a time
    "REMINDER_SENDING_TIMEOUT_MINUTES": 15,  # a claim older than this was interrupted
    "REMINDER_RETRY_MAX_MINUTES": 30,  # back-off: 1, 2, 4, 8, 16, 30, 30... minutes
}


@dataclass
class TickReport:
    now: datetime
    window: tuple[datetime, datetime] | None = None
    queued: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    missed: int = 0
    skipped: int = 0
    reclaimed: int = 0  # claims of a scheduler that died, taken back
    errors: list = field(default_factory=list)

    def add(self, other: "TickReport") -> None:
        for name in ("sent", "retrying", "failed", "missed", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors

    def summary(self) -> str:
        return (f"{self.now.isoformat()}: {self.queued} queued, {self.sent} sent, {self.retrying} to retry, "
                f"{self.failed} failed, {self.missed} missed, {self.skipped} skipped")


def _setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def grace() -> timedelta:
    return timedelta(minutes=_setting("REMINDER_GRACE_MINUTES"))


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


# -- who may get a reminder ------------------------------------------------

def eligible():
    """SQL conditions on User: a learner with a confirmed address who wants reminders."""
    return (
        User.role == Role.LEARNER,
        User.active.is_(True),
        User.email_confirmed_at.is_not(None),
        User.reminders_unsubscribed_at.is_(None),
        User.course_completed_at.is_(None),
    )


def skip_reason(user: User | None) -> str | None:
    """Why this learner must not get a reminder now (None: send it)."""
    if user is None:
        return "not sent: the account no longer exists"
    if not user.active or user.role != Role.LEARNER:
        return "not sent: the account is not an active learner"
    if user.email_confirmed_at is None:
        return "not sent: the email address is not confirmed"
    if user.reminders_unsubscribed_at is not None:
        return "not sent: the learner unsubscribed"
    if user.course_completed_at is not None:
        return "not sent: the learner finished the course"
    return None


# -- the last tick ---------------------------------------------------------

def _iso(moment: datetime) -> str:
    """Fixed-width UTC text, so that text order is time order."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def last_tick() -> datetime | None:
    """The moment the last tick covered up to (None before the first tick)."""
    value = db.session.scalar(select(SchedulerState.value).where(SchedulerState.name == LAST_TICK))
    if value is None:
        _create_last_tick_row()
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def _create_last_tick_row() -> None:
    """The state row exists (empty until the first tick), so ticks only UPDATE it."""
    db.session.add(SchedulerState(name=LAST_TICK, value=""))
    try:
        db.session.commit()
    except IntegrityError:  # another scheduler created it at the same moment
        db.session.rollback()


def _advance_last_tick(now: datetime) -> None:
    """Move the last tick forward to `now`, never back (in the current transaction)."""
    value = _iso(now)
    db.session.execute(
        update(SchedulerState)
        .where(SchedulerState.name == LAST_TICK, SchedulerState.value < value)
        .values(value=value, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


# -- recording the slots that fell due -----------------------------------

@lru_cache(maxsize=65536)
def _due(zone_name, day, minute):
    return due_at(zone_name, day, minute)


def due_slots(zones: list[str], start: datetime, end: datetime) -> list[tuple[int, object, datetime]]:
    """(user id, local date, due at) of every eligible learner's slot due in (start, end].

    (start, end] must be at most a day long, so each zone and weekday has
    one local date in it.
    """
    ranges = [r for zone_name in zones for r in due_ranges(zone_name, start, end)]
    if not ranges:
        return []
    date_of = {(r.zone, r.weekday): r.local_date for r in ranges}
    groups = defaultdict(list)  # (weekday, first, last) -> zones
    for r in ranges:
        groups[(r.weekday, r.first_minute, r.last_minute)].append(r.zone)
    conditions = [
        and_(ReminderSchedule.weekday == weekday, ReminderSchedule.minute.between(first, last),
             User.timezone.in_(zone_names))
        for (weekday, first, last), zone_names in groups.items()
    ]
    slots = []
    for i in range(0, len(conditions), CONDITIONS_PER_QUERY):
        query = (
            select(ReminderSchedule.user_id, User.timezone, ReminderSchedule.weekday, ReminderSchedule.minute)
            .join(User, User.id == ReminderSchedule.user_id)
            .where(ReminderSchedule.enabled.is_(True), *eligible(), or_(*conditions[i:i + CONDITIONS_PER_QUERY]))
        )
        for user_id, zone_name, weekday, minute in db.session.execute(query):
            day = date_of[(zone_name, weekday)]
            slots.append((user_id, day, _due(zone_name, day, minute)))
    return slots


def _insert_ignoring_duplicates(rows: list[dict]) -> None:
    """Insert delivery rows; a row whose (user_id, local_date) exists is left alone."""
    insert_ignoring_duplicates(db.session.connection(), ReminderDelivery, rows, ["user_id", "local_date"])


def record_due(now: datetime, report: TickReport) -> None:
    """Record every slot that fell due since the last tick: queued, or missed if too late."""
    late = now - grace()
    start = last_tick() or late
    start = max(start, now - timedelta(days=_setting("REMINDER_LOOKBACK_DAYS")))
    if start >= now:
        db.session.commit()
        return
    report.window = (start, now)
    zones = list(db.session.scalars(select(User.timezone).where(*eligible()).distinct()))
    created = now
    for a, b in split_window(start, now):
        rows = []
        if a < late:  # slots nobody sent in time
            for user_id, day, due in due_slots(zones, a, min(b, late)):
                rows.append(dict(user_id=user_id, local_date=day, due_at=due, status=DeliveryStatus.MISSED, attempts=0,
                                 next_attempt_at=None, created_at=created,
                                 last_error="not sent: no scheduler ran in time"))
            report.missed += len(rows)
        fresh = due_slots(zones, max(a, late), b) if b > late else []
        rows += [dict(user_id=user_id, local_date=day, due_at=due, status=DeliveryStatus.QUEUED, attempts=0,
                      next_attempt_at=due, created_at=created, last_error=None)
                 for user_id, day, due in fresh]
        report.queued += len(fresh)
        _insert_ignoring_duplicates(rows)
    _advance_last_tick(now)
    db.session.commit()


def expire(now: datetime, report: TickReport) -> None:
    """Take back expired claims, give up on slots past their window and on interrupted sends."""
    late = now - grace()
    stale = now - timedelta(minutes=_setting("REMINDER_SENDING_TIMEOUT_MINUTES"))
    anything = db.session.scalar(
        select(ReminderDelivery.id).where(or_(
            and_(ReminderDelivery.status == DeliveryStatus.QUEUED, ReminderDelivery.due_at < late),
            and_(ReminderDelivery.status == DeliveryStatus.SENDING, ReminderDelivery.claimed_at < stale),
        )).limit(1)
    )
    if anything is None:
        return
    # Claimed by a scheduler that died before handing them to the mail server:
    # queued again (the attempt never happened), so they are sent once, or missed below.
    result = db.session.execute(
        update(ReminderDelivery)
        .where(ReminderDelivery.status == DeliveryStatus.SENDING, ReminderDelivery.claimed_at < stale,
               ReminderDelivery.message_id.is_(None))
        .execution_options(synchronize_session=False)
        .values(status=DeliveryStatus.QUEUED, claimed_by=None, next_attempt_at=now, attempts=ReminderDelivery.attempts - 1)
    )
    report.reclaimed += result.rowcount or 0
    base = (update(ReminderDelivery).where(ReminderDelivery.status == DeliveryStatus.QUEUED, ReminderDelivery.due_at < late)
            .execution_options(synchronize_session=False))
    result = db.session.execute(
        base.where(ReminderDelivery.last_error.is_(None))
        .values(status=DeliveryStatus.MISSED, next_attempt_at=None, last_error="not sent: no scheduler ran in time")
    )
    report.missed += result.rowcount or 0
    result = db.session.execute(
        base.where(ReminderDelivery.last_error.is_not(None))
        .values(status=DeliveryStatus.FAILED, next_attempt_at=None,
                last_error=literal("gave up retrying: ") + ReminderDelivery.last_error)
    )
    report.failed += result.rowcount or 0
    result = db.session.execute(
        update(ReminderDelivery)
        .where(ReminderDelivery.status == DeliveryStatus.SENDING, ReminderDelivery.claimed_at < stale,
               ReminderDelivery.message_id.is_not(None))
        .execution_options(synchronize_session=False)
        .values(status=DeliveryStatus.FAILED, next_attempt_at=None,
                last_error="interrupted while sending; not sent again so that it cannot arrive twice")
    )
    report.failed += result.rowcount or 0
    db.session.commit()


# -- claiming and sending ------------------------------------------------

@dataclass(frozen=True, order=True)
class Claimed:
    id: int
    user_id: int
    due_at: datetime
    attempts: int
    token: str = ""  # the claim's claimed_by


def claim(now: datetime, limit: int, worker: str) -> list[Claimed]:
    """Take up to `limit` queued slots that are due; no other scheduler gets them."""
    token = f"{worker[:50]}/{uuid.uuid4().hex[:12]}"
    claimed = dict(status=DeliveryStatus.SENDING, claimed_by=token, claimed_at=now, attempts=ReminderDelivery.attempts + 1,
                   message_id=None)
    if db.session.get_bind().dialect.name == "postgresql":
        # DIALECT SWITCH (PostgreSQL): pick and claim in one statement; SKIP LOCKED
        # passes over rows another scheduler is claiming, so claims never wait.
        picked = (select(ReminderDelivery.id)
                  .where(ReminderDelivery.status == DeliveryStatus.QUEUED, ReminderDelivery.next_attempt_at <= now)
                  .order_by(ReminderDelivery.next_attempt_at, ReminderDelivery.id)
                  .limit(limit)
                  .with_for_update(skip_locked=True))
        rows = db.session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.id.in_(picked.scalar_subquery()))
            .values(**claimed)
            .returning(ReminderDelivery.id, ReminderDelivery.user_id, ReminderDelivery.due_at,
                       ReminderDelivery.attempts)
            .execution_options(synchronize_session=False)
        ).all()
        db.session.commit()
        return sorted(Claimed(*row, token) for row in rows)
    # SQLite (one writer at a time): read the candidates, then claim those still queued.
    ids = list(db.session.scalars(
        select(ReminderDelivery.id)
        .where(ReminderDelivery.status == DeliveryStatus.QUEUED, ReminderDelivery.next_attempt_at <= now)
        .order_by(ReminderDelivery.next_attempt_at, ReminderDelivery.id)
        .limit(limit)
    ))
    db.session.commit()
    if not ids:
        return []
    db.session.execute(
        update(ReminderDelivery)
        .where(ReminderDelivery.id.in_(ids), ReminderDelivery.status == DeliveryStatus.QUEUED)
        .values(**claimed)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.execute(
        select(ReminderDelivery.id, ReminderDelivery.user_id, ReminderDelivery.due_at, ReminderDelivery.attempts)
        # By primary key: the rows this UPDATE won among those it tried
        # (claimed_by has no index, and a big tick has 100,000 rows).
        .where(ReminderDelivery.id.in_(ids), ReminderDelivery.claimed_by == token,
               ReminderDelivery.status == DeliveryStatus.SENDING)
        .order_by(ReminderDelivery.id)
    )
    return [Claimed(*row, token) for row in rows]


def retry_delay(attempts: int, max_minutes: int = DEFAULTS["REMINDER_RETRY_MAX_MINUTES"]) -> timedelta:
    """Back-off after the n-th failed attempt: 1, 2, 4, 8, 16 minutes, then the maximum."""
    return timedelta(minutes=min(2 ** min(max(attempts - 1, 0), 10), max_minutes))


def _retry_delay(attempts: int) -> timedelta:
    return retry_delay(attempts, _setting("REMINDER_RETRY_MAX_MINUTES"))


class _Outcomes:
    """Collects what happened to each claimed slot and writes it in small
    batches, on a database connection of its own (see `attempting`)."""

    def __init__(self, connection):
        self.connection = connection
        self.pending: list[dict] = []

    @classmethod
    @contextmanager
    def recording(cls):
        """Outcomes written on a connection of their own, held for a batch.
        The session must hold no write transaction meanwhile (SQLite has one writer)."""
        with db.engine.connect() as connection:
            yield cls(connection)

    def add(self, **values) -> None:
        self.pending.append(values)
        if len(self.pending) >= COMMIT_EVERY:
            self.flush()

    def attempting(self, slot: "Claimed", message_id: str) -> bool:
        """Record, with the outcomes so far and in one commit, that `slot`'s
        email goes to the mail server now. False (send nothing) when the claim
        is no longer this scheduler's: its lease expired and another took it back.

        This commit comes once per email, so it is kept to what the database
        must do: statements built once (no ORM statement, no cache key made
        per email) on a connection held for the batch, committed by itself
        (the session's commit also hands its connection back to the pool and
        takes it again). It is as durable as any other commit of the app."""
        self._write()
        result = self.connection.execute(_MARK_ATTEMPT, dict(
            mark_id=slot.id, mark_token=slot.token, mark_message_id=message_id))
        self.connection.commit()
        return result.rowcount == 1

    def flush(self) -> None:
        self._write()
        self.connection.commit()

    def _write(self) -> None:
        """One UPDATE ... WHERE id = ? executed for each kind of outcome (same
        columns), over its rows (no commit)."""
        if not self.pending:
            return
        kinds = defaultdict(list)
        for values in self.pending:
            row = {name: value for name, value in values.items() if name != "id"}
            row["delivery_id"] = values["id"]
            kinds[tuple(sorted(row))].append(row)
        for rows in kinds.values():
            # Core, not the ORM's bulk update: the same statement for a tenth of the CPU.
            self.connection.execute(_OUTCOME_UPDATE, rows)
        self.pending = []


_deliveries = ReminderDelivery.__table__
#: UPDATE ... SET message_id WHERE the claim is still this scheduler's (built once:
#: SQLAlchemy keeps its cache key with the statement).
_MARK_ATTEMPT = (_deliveries.update()
                 .where(_deliveries.c.id == bindparam("mark_id"),
                        _deliveries.c.status == DeliveryStatus.SENDING.value,
                        _deliveries.c.claimed_by == bindparam("mark_token"))
                 .values(message_id=bindparam("mark_message_id")))
#: UPDATE ... WHERE id = :delivery_id, its SET taken from the rows' other keys.
_OUTCOME_UPDATE = _deliveries.update().where(_deliveries.c.id == bindparam("delivery_id"))


def _retry_or_give_up(slot: Claimed, now: datetime, reason: str, out: _Outcomes, report: TickReport) -> None:
    when = now + _retry_delay(slot.attempts)
    if when > slot.due_at + grace():
        out.add(id=slot.id, status=DeliveryStatus.FAILED, next_attempt_at=None,
                last_error=f"gave up after {slot.attempts} attempts: {reason}"[:2000])
        report.failed += 1
    else:
        out.add(id=slot.id, status=DeliveryStatus.QUEUED, next_attempt_at=when, claimed_by=None, last_error=reason[:2000])
        report.retrying += 1


def _release(slots: list[Claimed], out: _Outcomes, when: datetime, reason: str | None) -> None:
    """Give claimed slots back untried (the attempt is not counted)."""
    for slot in slots:
        values = dict(id=slot.id, status=DeliveryStatus.QUEUED, next_attempt_at=when, claimed_by=None, attempts=slot.attempts - 1)
        if reason:
            values["last_error"] = reason[:2000]
        out.add(**values)


def send_claimed(slots: list[Claimed], now: datetime, mailer, report: TickReport, stop=None,
                 composer: "emails.ReminderComposer | None" = None) -> bool:
    """Send each claimed slot's email over `mailer` and record the outcome.

    Returns False when the mail server could not be used (the slots not
    tried are given back, to be tried on a later tick). `composer` builds
    the emails (one for the whole tick shares its rendered bodies).
    """
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([s.user_id for s in slots])))}
    for user in users.values():  # keep them readable across the commits below
        db.session.expunge(user)
    content = get_content()
    statuses = course_statuses(lambda user: content.course(user.lang), list(users.values()))
    db.session.commit()  # the session holds no transaction while the outcomes are written
    with _Outcomes.recording() as out, public_site():  # one request context for the batch's links
        composer = composer or emails.ReminderComposer(now)
        sent = _send_each(slots, statuses, users, composer, now, mailer, report, out, stop)
        out.flush()
    return sent


def _send_each(slots, statuses, users, composer, now, mailer, report: TickReport, out: _Outcomes, stop) -> bool:
    """send_claimed's loop: one email per slot, its outcome added to `out`."""
    for index, slot in enumerate(slots):
        if stop is not None and stop.is_set():
            _release(slots[index:], out, now, None)
            break
        message = _build(slot, users.get(slot.user_id), statuses.get(slot.user_id), composer, now, out, report)
        if message is None:
            continue
        if not out.attempting(slot, message["Message-ID"]):
            continue
        try:
            mailer.send(message)
        except PermanentFailure as exc:
            out.add(id=slot.id, status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=exc.reason[:2000],
                    message_id=message["Message-ID"])
            report.failed += 1
        except TemporaryFailure as exc:
            report.errors.append(exc.reason)
            _retry_or_give_up(slot, now, exc.reason, out, report)
            if exc.connection:
                # The server cannot be used: the rest of the batch waits too,
                # without counting an attempt it did not make.
                later = slots[index + 1:]
                _release(later, out, now + _retry_delay(1), exc.reason)
                report.retrying += len(later)
                return False
        else:
            out.add(id=slot.id, status=DeliveryStatus.SENT, sent_at=now, next_attempt_at=None, last_error=None,
                    message_id=message["Message-ID"])
            report.sent += 1
    return True


def _build(slot: Claimed, user: User | None, status, composer, now, out: _Outcomes, report: TickReport):
    """The slot's email, or None when it must not be sent (the outcome is recorded)."""
    reason = skip_reason(user)
    if reason is None and now > slot.due_at + grace():
        reason = "not sent: too late"
    if reason is None and status.complete:
        reason = "not sent: the learner finished the course"
    if reason is not None:
        out.add(id=slot.id, status=DeliveryStatus.MISSED, next_attempt_at=None, last_error=reason)
        report.skipped += 1
        return None
    try:
        return composer.message(user, status)
    except Exception as exc:  # noqa: BLE001 - a bug must not stop the other emails
        log.exception("reminders: cannot build the email for delivery %s", slot.id)
        out.add(id=slot.id, status=DeliveryStatus.FAILED, next_attempt_at=None,
                last_error=f"could not build the email: {type(exc).__name__}: {exc}"[:2000])
        report.failed += 1
        return None


def tick(now: datetime | None = None, *, stop=None, worker: str | None = None, senders: int = 1) -> TickReport:
    """Send every reminder that fell due up to `now` (default: the current time), once.

    `senders` threads share the claimed batches, each over its own connection
    to the mail server.
    """
    now = now or utcnow()
    if now.tzinfo is None:
        raise ValueError("tick() needs an aware datetime")
    now = now.astimezone(timezone.utc)
    worker = worker or worker_name()
    report = TickReport(now=now)
    record_due(now, report)
    expire(now, report)
    batch = _setting("REMINDER_BATCH_SIZE")
    if senders <= 1:
        send_due(now, batch, worker, report, stop)
        return report
    app = current_app._get_current_object()
    reports = [TickReport(now=now) for _ in range(senders)]
    failures: list[BaseException] = []
    threads = [threading.Thread(target=_sender, name=f"reminders-sender-{n}",
                                args=(app, now, max(10, batch // senders), f"{worker}#{n}", reports[n], stop, failures))
               for n in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for other in reports:
        report.add(other)
    if failures:
        raise failures[0]
    return report


def send_due(now: datetime, batch: int, worker: str, report: TickReport, stop=None) -> None:
    """Claim batches of due slots and send them over one connection, until none is left."""
    mailer = mailer_for(current_app.config)
    with mailer, public_site():
        composer = emails.ReminderComposer(now)
        while stop is None or not stop.is_set():
            slots = claim(now, batch, worker)
            if not slots:
                break
            if not send_claimed(slots, now, mailer, report, stop, composer):
                break  # the server cannot be used: everything else waits for a later tick


def _sender(app, now, batch, worker, report, stop, failures) -> None:
    """One sender thread: its own app context, database session and SMTP connection."""
    with app.app_context():
        try:
            send_due(now, batch, worker, report, stop)
        except BaseException as exc:  # noqa: BLE001 - re-raised by tick() in the main thread
            log.exception("reminders: sender %s failed", worker)
            failures.append(exc)
        finally:
            db.session.remove()


def next_wake(now: datetime) -> datetime:
    """When `run` ticks next: the start of the next minute (slots are whole minutes)."""
    return (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
