"""The calendar feed's time zone definitions, as Python's calendar libraries
expand them (Mozilla's ical.js in Node runs in the client tier, tests/clients)."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from .feed_cases import ZONES, cases, feed_case, local_minutes

# The account of the issue: created in November, daylight time starts on 14 March 2027.
NOVEMBER = datetime(2026, 11, 29, 12, tzinfo=timezone.utc)


def expand(feed: bytes, case) -> list[str]:
    start, end = case.window()
    tz = ZoneInfo(case.zone)
    occurrences = recurring_ical_events.of(icalendar.Calendar.from_ical(feed)).between(start, end)
    return sorted(o.decoded("DTSTART").astimezone(tz).strftime("%Y-%m-%d %H:%M") for o in occurrences)


def own_definition(case) -> bytes:
    """The feed with its zone renamed, so icalendar builds the zone from the feed's VTIMEZONE
    (a zone name it knows is read from zoneinfo instead)."""
    zone = case.zone.encode()
    return case.feed.replace(b"TZID:" + zone, b"TZID:X-Test/" + zone).replace(b"TZID=" + zone, b"TZID=X-Test/" + zone)


@pytest.mark.parametrize("case", cases() + [feed_case(zone, NOVEMBER, NOVEMBER) for zone in ZONES],
                         ids=lambda c: f"{c.zone}-{c.now:%Y%m%d}")
def test_every_study_time_at_the_chosen_local_time_for_400_days(case):
    expected = local_minutes(case.expected())
    assert expand(case.feed, case) == expected
    assert b"TZID:X-Test/" in own_definition(case)
    assert expand(own_definition(case), case) == expected


def test_new_york_daylight_time_starts_at_two_in_the_morning_every_year():
    feed = icalendar.Calendar.from_ical(feed_case("America/New_York", NOVEMBER, NOVEMBER).feed)
    (vtimezone,) = feed.walk("VTIMEZONE")
    onsets = {c.name: (c.decoded("DTSTART"), c["RRULE"].to_ical().decode()) for c in vtimezone.subcomponents}
    assert onsets == {
        "DAYLIGHT": (datetime(2025, 3, 9, 2, 0), "FREQ=YEARLY;BYDAY=2SU;BYMONTH=3"),
        "STANDARD": (datetime(2025, 11, 2, 2, 0), "FREQ=YEARLY;BYDAY=1SU;BYMONTH=11"),
    }


def test_a_zone_without_a_weekday_rule_lists_every_onset_the_first_included():
    """Morocco's clocks follow Ramadan: no RRULE fits, so every onset is an RDATE
    (ical.js ignores a DTSTART beside RDATEs), after the offset in force at the start."""
    case = feed_case("Africa/Casablanca", NOVEMBER, NOVEMBER)
    (vtimezone,) = icalendar.Calendar.from_ical(case.feed).walk("VTIMEZONE")
    first, *rest = vtimezone.subcomponents
    assert first.decoded("DTSTART") == datetime(2025, 1, 1) and "RDATE" not in first
    for observance in rest:
        rdates = observance["RDATE"] if isinstance(observance["RDATE"], list) else [observance["RDATE"]]
        assert observance.decoded("DTSTART") == rdates[0].dts[0].dt
        assert "RRULE" not in observance
    assert expand(own_definition(case), case) == local_minutes(case.expected())
