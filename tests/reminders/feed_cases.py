"""Learners' calendar feeds and the study times a calendar must show for them.

Shared by the quick test (Python's icalendar and recurring-ical-events) and
the client tier (Mozilla's ical.js in Node): each learner's feed, expanded
over 400 days from now, must give every study time at the learner's chosen
local time on the chosen days, across every daylight-saving change.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from course.reminders.calendar import build_feed

ZONES = ("America/New_York", "Europe/Rome", "Europe/Warsaw", "Australia/Sydney", "Asia/Kolkata")
#: (weekday, enabled, minute): Monday to Friday at 07:00 but Thursday at 06:30, Sunday at 21:30.
SCHEDULE = [(0, True, 420), (1, True, 420), (2, True, 420), (3, True, 390), (4, True, 420),
            (5, False, 420), (6, True, 1290)]
DAYS = 400


@dataclass
class Case:
    zone: str
    created: datetime
    now: datetime
    feed: bytes

    def expected(self) -> list[datetime]:
        """The naive local start of every study time from `now` for DAYS days."""
        tz = ZoneInfo(self.zone)
        first = self.now.astimezone(tz).date()
        minutes = {weekday: minute for weekday, enabled, minute in SCHEDULE if enabled}
        starts = []
        for offset in range(DAYS):
            day = first + timedelta(days=offset)
            if day.weekday() in minutes:
                starts.append(datetime.combine(day, datetime.min.time()) + timedelta(minutes=minutes[day.weekday()]))
        return starts

    def window(self) -> tuple[datetime, datetime]:
        """The UTC window the expected study times fall in."""
        tz = ZoneInfo(self.zone)
        first = self.now.astimezone(tz).date()
        start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
        end = datetime.combine(first + timedelta(days=DAYS), datetime.min.time(), tzinfo=tz)
        return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def feed_case(zone: str, created: datetime, now: datetime) -> Case:
    user = SimpleNamespace(id=7, timezone=zone, lang="en", created_at=created)
    return Case(zone, created, now, build_feed(user, SCHEDULE, host="aula.test", url="http://aula.test/en/", now=now))


def cases(now: datetime | None = None) -> list[Case]:
    """Each zone, with an account created a week before `now` (default: today)."""
    now = now or datetime.now(timezone.utc).replace(microsecond=0)
    return [feed_case(zone, now - timedelta(days=7), now) for zone in ZONES]


def local_minutes(expected: list[datetime]) -> list[str]:
    return [start.strftime("%Y-%m-%d %H:%M") for start in expected]

