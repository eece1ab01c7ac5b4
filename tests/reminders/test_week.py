"""Done when: three learners, default settings, a scheduler ticking across a
simulated week with daylight-saving changes, a real SMTP server.

The scheduler is not ticked at all 10,800 minutes of the week (that took two
minutes of a test run) but at every minute where something can change: each
zone's 07:00 and midnight on every day, weekends included, and the hour
before and after them (the other side of a clock change), each with the two
minutes before and after; the clock changes themselves; every full hour, so
that no gap between two ticks reaches the grace window (a slot falling in a
gap would be sent late or recorded missed, and the assertions below see
both); and a fixed sample of other minutes. A tick sends everything that fell
due since the one before, so an email due at any other minute of the week
would still show up, at the wrong time. The week runs in three scheduler
lives (three apps on the same database, as after two restarts), and every
tick that sends is repeated at once, as by a scheduler restarted within the
minute: nothing is sent twice.
"""
import random
from datetime import date, datetime, time, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import pytest

from course.extensions import db
from course.reminders.scheduler import tick
from tests.conftest import make_app

UTC = timezone.utc
LEARNERS = {
    # email: (zone, language, words the subject starts with in that language)
    "giulia@example.com": ("Europe/Rome", "it", "È ora di studiare"),
    "john@example.com": ("America/New_York", "en", "Time to study"),
    "kasia@example.com": ("Asia/Tokyo", "pl", "Czas na naukę"),
}
# Rome goes back from CEST to CET on Sunday 25 October 2026 at 01:00 UTC; New
# York from EDT to EST on Sunday 1 November 2026 at 06:00 UTC. The simulated
# week runs from Sunday 25 October 00:00 UTC to Sunday 1 November 12:00 UTC.
START = datetime(2026, 10, 25, 0, 0, tzinfo=UTC)
END = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
CLOCK_CHANGES = (datetime(2026, 10, 25, 1, 0, tzinfo=UTC), datetime(2026, 11, 1, 6, 0, tzinfo=UTC))
RANDOM_MINUTES = 300


def tick_moments() -> list[datetime]:
    """The minutes of the week the scheduler ticks at, in order (see the module's docstring)."""
    moments = {START, END}
    hour = START
    while hour <= END:
        moments.add(hour)
        hour += timedelta(hours=1)
    near = set(CLOCK_CHANGES)
    for zone_name, _lang, _words in LEARNERS.values():
        zone = ZoneInfo(zone_name)
        first = START.astimezone(zone).date() - timedelta(days=1)
        for n in range(10):
            for hh in (0, 6, 7, 8):
                for fold in (0, 1):  # both readings of a wall time the clocks pass twice
                    wall = datetime.combine(first + timedelta(days=n), time(hh), tzinfo=zone).replace(fold=fold)
                    near.add(wall.astimezone(UTC))
    for moment in near:
        for delta in range(-2, 3):
            moments.add(moment + timedelta(minutes=delta))
    week_minutes = int((END - START).total_seconds() // 60)
    rng = random.Random(17)
    moments.update(START + timedelta(minutes=rng.randrange(week_minutes + 1)) for _ in range(RANDOM_MINUTES))
    return sorted(m for m in moments if START <= m <= END)


def test_the_tick_moments_cover_the_due_minutes_and_leave_no_gap_as_long_as_the_grace_window():
    moments = tick_moments()
    assert moments[0] == START and moments[-1] == END
    assert max(b - a for a, b in zip(moments, moments[1:])) <= timedelta(hours=1)
    for zone_name, _lang, _words in LEARNERS.values():
        zone = ZoneInfo(zone_name)
        for day in (date(2026, 10, 26) + timedelta(days=n) for n in range(5)):
            due = datetime.combine(day, time(7), tzinfo=zone).astimezone(UTC)
            assert all(due + timedelta(minutes=d) in moments for d in range(-2, 3)), (zone_name, day)
    assert len(moments) < 1500  # a seventh of the week's minutes, or the point of this is lost


@pytest.fixture
def app_config(smtp_server):
    return {"SMTP_URL": f"smtp://127.0.0.1:{smtp_server.port}?timeout=5"}


def test_a_week_of_ticks_sends_one_email_each_weekday_at_seven_local_time(app, db_path, app_config, make_user,
                                                                          smtp_server):
    for address, (zone, lang, _words) in LEARNERS.items():
        make_user(email=address, timezone=zone, lang=lang, name=address.split("@")[0].title())
    sent_at = {address: [] for address in LEARNERS}
    moments = tick_moments()
    lives = [moments[:len(moments) // 3], moments[len(moments) // 3:2 * len(moments) // 3],
             moments[2 * len(moments) // 3:]]
    for life, scheduler_app in zip(lives, (app, make_app(db_path, **app_config), make_app(db_path, **app_config))):
        with scheduler_app.app_context():
            for now in life:
                before = len(smtp_server.messages)
                report = tick(now)
                assert report.failed == report.retrying == report.missed == 0
                for message in smtp_server.messages[before:]:
                    sent_at[message["To"].addresses[0].addr_spec].append(now)
                if len(smtp_server.messages) > before:
                    again = tick(now)  # a scheduler restarted within the minute
                    assert (again.sent, again.queued, again.missed) == (0, 0, 0)
            db.session.remove()
            if scheduler_app is not app:
                db.engine.dispose()

    for address, (zone, lang, words) in LEARNERS.items():
        local_times = [moment.astimezone(ZoneInfo(zone)) for moment in sent_at[address]]
        # Exactly one email on each weekday, none at the weekend, each at 07:00 local time.
        assert [t.strftime("%a %d %H:%M") for t in local_times] == [
            f"{day} {day_of_month:02d} 07:00" for day, day_of_month in
            zip(("Mon", "Tue", "Wed", "Thu", "Fri"), range(26, 31))
        ], address
        messages = smtp_server.handler.to(address)
        assert len(messages) == 5
        for message, moment in zip(messages, sent_at[address]):
            assert message["Content-Language"] == lang
            assert message["Subject"].startswith(words), message["Subject"]
            assert parsedate_to_datetime(message["Date"]) == moment
    # Rome's 07:00 moved from 05:00 UTC to 06:00 UTC with its clock change.
    assert sent_at["giulia@example.com"][0] == datetime(2026, 10, 26, 6, 0, tzinfo=UTC)
    assert sent_at["john@example.com"][0] == datetime(2026, 10, 26, 11, 0, tzinfo=UTC)
    assert sent_at["kasia@example.com"][0] == datetime(2026, 10, 25, 22, 0, tzinfo=UTC)
