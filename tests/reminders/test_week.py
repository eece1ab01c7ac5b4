"""Done when: three learners, default settings, a scheduler ticking every minute
across a simulated week with daylight-saving changes, a real SMTP server."""
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import pytest

from course.reminders.scheduler import tick

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


@pytest.fixture
def app_config(smtp_server):
    return {"SMTP_URL": f"smtp://127.0.0.1:{smtp_server.port}?timeout=5"}


def test_a_week_of_ticks_every_minute(app, make_user, smtp_server):
    for address, (zone, lang, _words) in LEARNERS.items():
        make_user(email=address, timezone=zone, lang=lang, name=address.split("@")[0].title())
    sent_at = {address: [] for address in LEARNERS}
    now = START
    with app.app_context():
        while now <= END:
            before = len(smtp_server.messages)
            report = tick(now)
            assert report.failed == report.retrying == report.missed == 0
            for message in smtp_server.messages[before:]:
                sent_at[message["To"].addresses[0].addr_spec].append(now)
            now += timedelta(minutes=1)

    for address, (zone, lang, words) in LEARNERS.items():
        local_times = [moment.astimezone(ZoneInfo(zone)) for moment in sent_at[address]]
        # Exactly one email on each weekday, none at the weekend, each at 07:00 local time.
        assert [t.strftime("%a %d %H:%M") for t in local_times] == [
            f"{day} {date:02d} 07:00" for day, date in
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
