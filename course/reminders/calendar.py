"""The learner's private calendar feed: their study times as weekly events."""
from datetime import date, datetime, timedelta, timezone

import icalendar
from flask_babel import force_locale, gettext as _

from .schedule import wall_clock, zone
from .vtimezone import vtimezone

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
EVENT_MINUTES = 30


def first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def build_feed(user, schedules, *, host: str, url: str, now: datetime) -> bytes:
    """An iCalendar file: one weekly recurring event per enabled day, in the learner's zone.

    `schedules` holds (weekday, enabled, minute) tuples. Each event starts on
    the first such weekday after the account was created, so its UID and
    start stay the same while the learner keeps the same time.
    """
    tz = zone(user.timezone)
    anchor = user.created_at.astimezone(tz).date()
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Aula//Study reminders//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    with force_locale(user.lang):
        name = _("Aula study time")
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", tz.key)
        description = _("Time to study with Aula: %(url)s", url=url)
        alarm_text = _("Time to study with Aula")
    first_date = anchor
    for weekday, enabled, minute in sorted(schedules):
        if not enabled:
            continue
        day = first_on_or_after(anchor, weekday)
        first_date = min(first_date, day)
        event = icalendar.Event()
        event.add("uid", f"aula-study-{user.id}-{WEEKDAY_CODES[weekday].lower()}@{host}")
        event.add("dtstamp", now.astimezone(timezone.utc))
        event.add("dtstart", wall_clock(day, minute).replace(tzinfo=tz))
        event.add("duration", timedelta(minutes=EVENT_MINUTES))
        event.add("rrule", {"freq": "weekly", "byday": WEEKDAY_CODES[weekday]})
        event.add("summary", name)
        event.add("description", description)
        event.add("url", url)
        event.add("transp", "TRANSPARENT")
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", alarm_text)
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        cal.add_component(event)
    if tz.key != "UTC":
        cal.add_component(vtimezone(tz, first_date.year - 1, now.year + 10))
    return cal.to_ical()
