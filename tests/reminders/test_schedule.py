"""What is due, when: pure functions, checked by example and by property (hypothesis)."""
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from course.reminders.schedule import (MINUTES_PER_DAY, due_at, due_ranges, minute_of, shift,
                                       split_window, time_of, wall_clock, zone)

UTC = timezone.utc


def local(moment, zone_name):
    return moment.astimezone(zone(zone_name)).replace(tzinfo=None)


# -- examples --------------------------------------------------------------

def test_seven_am_in_three_zones():
    assert due_at("Europe/Rome", date(2026, 10, 26), 420) == datetime(2026, 10, 26, 6, 0, tzinfo=UTC)  # CET
    assert due_at("Europe/Rome", date(2026, 10, 23), 420) == datetime(2026, 10, 23, 5, 0, tzinfo=UTC)  # CEST
    assert due_at("America/New_York", date(2026, 11, 2), 420) == datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    assert due_at("America/New_York", date(2026, 10, 30), 420) == datetime(2026, 10, 30, 11, 0, tzinfo=UTC)
    assert due_at("Asia/Tokyo", date(2026, 10, 26), 420) == datetime(2026, 10, 25, 22, 0, tzinfo=UTC)


def test_a_time_that_does_not_exist_goes_at_the_first_valid_minute_after():
    # Rome, 29 March 2026: clocks jump from 02:00 to 03:00.
    assert due_at("Europe/Rome", date(2026, 3, 29), 150) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 02:30 -> 03:00
    assert local(due_at("Europe/Rome", date(2026, 3, 29), 120), "Europe/Rome") == datetime(2026, 3, 29, 3, 0)
    # New York, 8 March 2026: 02:00 -> 03:00.
    assert local(due_at("America/New_York", date(2026, 3, 8), 135), "America/New_York") == datetime(2026, 3, 8, 3, 0)
    # Lord Howe moves by half an hour; Chile jumps at midnight.
    assert local(due_at("Australia/Lord_Howe", date(2026, 10, 4), 125), "Australia/Lord_Howe") == datetime(2026, 10, 4, 2, 30)
    assert local(due_at("America/Santiago", date(2026, 9, 6), 30), "America/Santiago") == datetime(2026, 9, 6, 1, 0)
    # Samoa skipped 30 December 2011 altogether.
    assert local(due_at("Pacific/Apia", date(2011, 12, 30), 420), "Pacific/Apia") == datetime(2011, 12, 31, 0, 0)


def test_a_time_that_happens_twice_is_due_at_the_first():
    # Rome, 25 October 2026: 02:30 happens at 00:30 UTC (CEST) and 01:30 UTC (CET).
    assert due_at("Europe/Rome", date(2026, 10, 25), 150) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert due_at("America/New_York", date(2026, 11, 1), 90) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_a_window_over_the_repeated_hour_holds_each_time_once():
    start = datetime(2026, 10, 25, 0, 0, tzinfo=UTC)  # 02:00 CEST
    ranges = due_ranges("Europe/Rome", start, start + timedelta(hours=2))  # to 03:00 CET
    assert [(r.local_date, r.first_minute, r.last_minute) for r in ranges] == [(date(2026, 10, 25), 121, 180)]
    # The second pass through 02:00-03:00 brings nothing new.
    assert due_ranges("Europe/Rome", start + timedelta(hours=1), start + timedelta(hours=1, minutes=59)) == []


def test_one_minute_window():
    ranges = due_ranges("Asia/Tokyo", datetime(2026, 10, 25, 21, 59, tzinfo=UTC), datetime(2026, 10, 25, 22, 0, tzinfo=UTC))
    assert [(r.local_date, r.weekday, r.first_minute, r.last_minute) for r in ranges] == [(date(2026, 10, 26), 0, 420, 420)]


def test_empty_and_backwards_windows():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert due_ranges("UTC", now, now) == []
    assert due_ranges("UTC", now, now - timedelta(minutes=5)) == []


def test_minutes_and_times():
    assert minute_of(time_of(450)) == 450
    assert wall_clock(date(2026, 1, 2), 1439) == datetime(2026, 1, 2, 23, 59)
    assert shift(420, 30) == 450 and shift(420, -30) == 390
    assert shift(1410, 30) == 0 and shift(0, -30) == 1410
    with pytest.raises(ValueError):
        time_of(1440)


def test_unknown_zone_reads_as_utc():
    assert due_at("Mars/Olympus_Mons", date(2026, 1, 5), 420) == datetime(2026, 1, 5, 7, 0, tzinfo=UTC)


def test_split_window():
    a = datetime(2026, 1, 1, tzinfo=UTC)
    parts = list(split_window(a, a + timedelta(days=2, hours=3)))
    assert parts[0] == (a, a + timedelta(days=1)) and parts[-1][1] == a + timedelta(days=2, hours=3) and len(parts) == 3


# -- properties ------------------------------------------------------------

ZONES = ["Europe/Rome", "America/New_York", "Asia/Tokyo", "Australia/Lord_Howe", "America/Santiago",
         "Europe/London", "Australia/Sydney", "America/St_Johns", "Asia/Kolkata", "Pacific/Chatham",
         "America/Havana", "Asia/Tehran", "Africa/Casablanca", "UTC", "Pacific/Apia", "Europe/Dublin"]
# Days around daylight-saving changes (both hemispheres), and plain days.
DST_DAYS = [date(2026, 3, 8), date(2026, 3, 29), date(2026, 10, 25), date(2026, 11, 1), date(2026, 4, 5),
            date(2026, 10, 4), date(2026, 9, 6), date(2026, 4, 4), date(2011, 12, 30), date(2026, 9, 27),
            date(2026, 3, 15), date(2026, 11, 8), date(2026, 6, 15), date(2027, 1, 1)]

zones = st.sampled_from(ZONES)
days = st.one_of(st.sampled_from(DST_DAYS).flatmap(lambda d: st.integers(-1, 1).map(lambda k: d + timedelta(days=k))),
                 st.dates(date(2000, 1, 1), date(2037, 12, 31)))
minutes = st.integers(0, MINUTES_PER_DAY - 1)


@settings(max_examples=400, deadline=None)
@given(zones, days, minutes)
def test_due_is_that_wall_time_or_the_first_valid_minute_after(zone_name, day, minute):
    naive = wall_clock(day, minute)
    due = due_at(zone_name, day, minute)
    assert due.tzinfo is not None
    assert local(due, zone_name) >= naive
    tz = zone(zone_name)
    occurrences = [m for m in (naive.replace(tzinfo=tz, fold=f).astimezone(UTC) for f in (0, 1))
                   if local(m, zone_name) == naive]
    if occurrences:
        # The time exists (once or twice): due at its first occurrence.
        assert due == min(occurrences)
    else:
        # It does not exist: due when the clocks jump, the minute before still shows an earlier time.
        assert local(due - timedelta(minutes=1), zone_name) < naive


@settings(max_examples=200, deadline=None)
@given(zones, days, st.integers(0, MINUTES_PER_DAY - 2))
def test_due_times_never_go_backwards(zone_name, day, minute):
    assert due_at(zone_name, day, minute) <= due_at(zone_name, day, minute + 1)
    assert due_at(zone_name, day, MINUTES_PER_DAY - 1) <= due_at(zone_name, day + timedelta(days=1), 0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(zones, st.sampled_from(DST_DAYS), st.lists(st.integers(1, 300), min_size=1, max_size=40),
       st.sampled_from([0, 420, 150, 90, 1439, 30, 135]))
def test_consecutive_windows_hold_every_slot_exactly_once(zone_name, day, steps, minute):
    """Ticks at any intervals across a daylight-saving day: each slot is due in exactly one window."""
    start = datetime.combine(day - timedelta(days=1), datetime.min.time(), UTC)
    moments = [start]
    for step in steps:
        moments.append(moments[-1] + timedelta(minutes=step))
    end = moments[-1]
    counts = {}
    for a, b in zip(moments, moments[1:]):
        for r in due_ranges(zone_name, a, b):
            if r.first_minute <= minute <= r.last_minute:
                counts[r.local_date] = counts.get(r.local_date, 0) + 1
    d = day - timedelta(days=2)
    while d <= day + timedelta(days=2):
        due = due_at(zone_name, d, minute)
        expected = 1 if start < due <= end else 0
        assert counts.get(d, 0) == expected, (d, due, counts)
        d += timedelta(days=1)


@settings(max_examples=60, deadline=None)
@given(zones, st.sampled_from(DST_DAYS), st.integers(0, 48 * 60 * 60), st.integers(1, 24 * 60 * 60))
def test_a_range_holds_exactly_the_minutes_due_in_its_window(zone_name, day, offset, length):
    start = datetime.combine(day - timedelta(days=1), datetime.min.time(), UTC) + timedelta(seconds=offset)
    end = start + timedelta(seconds=length)
    found = {(r.local_date, m) for r in due_ranges(zone_name, start, end) for m in range(r.first_minute, r.last_minute + 1)}
    for r in due_ranges(zone_name, start, end):
        assert r.weekday == r.local_date.weekday()
    for d in {start.astimezone(zone(zone_name)).date() + timedelta(days=k) for k in range(-1, 3)}:
        for m in range(0, MINUTES_PER_DAY, 7):
            assert ((d, m) in found) == (start < due_at(zone_name, d, m) <= end)
