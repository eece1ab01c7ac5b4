"""What is due, and when: pure functions over zoneinfo (no database, no app).

A learner's reminder for a weekday is a minute after local midnight. The
moment it is due on a given local date is that wall-clock time in the
learner's zone, with two daylight-saving rules:

- a time that does not exist that day (clocks jump forward over it) is due
  at the first valid minute after it, i.e. the moment the clocks jump;
- a time that occurs twice (clocks go back) is due once, at its first
  occurrence.

`due_at` is non-decreasing in (date, minute), so the slots of a zone that
fall due within a window of time form, on each local date, one contiguous
range of minutes: `due_ranges` finds those ranges by bisection, and the
scheduler turns them into one database query for every learner at once.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTES_PER_DAY = 24 * 60
STEP_MINUTES = 30  # what the - and + buttons move a time by
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """The zone called `name`; an unknown name falls back to UTC."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def check_minute(minute: int) -> int:
    if not 0 <= minute < MINUTES_PER_DAY:
        raise ValueError(f"minute out of range: {minute}")
    return minute


def minute_of(value: time) -> int:
    """07:30 -> 450."""
    return value.hour * 60 + value.minute


def time_of(minute: int) -> time:
    """450 -> 07:30."""
    check_minute(minute)
    return time(minute // 60, minute % 60)


def shift(minute: int, delta: int) -> int:
    """Move a time of day by `delta` minutes, round the clock (23:30 + 30 = 00:00)."""
    return (minute + delta) % MINUTES_PER_DAY


def wall_clock(day: date, minute: int) -> datetime:
    """The naive local date and time of `minute` on `day`."""
    return datetime.combine(day, time()) + timedelta(minutes=check_minute(minute))


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None)


def _gap_end(naive: datetime, tz: ZoneInfo) -> datetime:
    """The moment the clocks jump over the nonexistent local time `naive`.

    PEP 495: inside a gap, fold=1 reads the time with the offset after the
    transition (a moment before it) and fold=0 with the offset before it (a
    moment after it). Bisect between the two, by the minute, for the first
    moment whose wall-clock time is not before `naive`.
    """
    lo = naive.replace(tzinfo=tz, fold=1).astimezone(timezone.utc)
    hi = naive.replace(tzinfo=tz, fold=0).astimezone(timezone.utc)
    lo_min = int((lo - _EPOCH).total_seconds() // 60)
    hi_min = -int(-(hi - _EPOCH).total_seconds() // 60)
    while lo_min + 1 < hi_min:  # invariant: lo_min is before the jump, hi_min after
        mid = (lo_min + hi_min) // 2
        if _local(_EPOCH + timedelta(minutes=mid), tz) >= naive:
            hi_min = mid
        else:
            lo_min = mid
    return _EPOCH + timedelta(minutes=hi_min)


def due_at(zone_name: str, day: date, minute: int) -> datetime:
    """When the reminder at `minute` on local date `day` in `zone_name` is due (aware, UTC)."""
    tz = zone(zone_name)
    naive = wall_clock(day, minute)
    first = naive.replace(tzinfo=tz, fold=0).astimezone(timezone.utc)
    if _local(first, tz) == naive:  # it exists; fold=0 is its first occurrence
        return first
    return _gap_end(naive, tz)


@dataclass(frozen=True)
class DueRange:
    """Slots of one zone due in a window: on `local_date`, minutes first..last (inclusive)."""

    zone: str
    local_date: date
    first_minute: int
    last_minute: int

    @property
    def weekday(self) -> int:
        return self.local_date.weekday()


def _first_minute_after(zone_name: str, day: date, moment: datetime) -> int:
    """The first minute of `day` due strictly after `moment` (MINUTES_PER_DAY if none)."""
    lo, hi = 0, MINUTES_PER_DAY
    while lo < hi:
        mid = (lo + hi) // 2
        if due_at(zone_name, day, mid) > moment:
            hi = mid
        else:
            lo = mid + 1
    return lo


def due_ranges(zone_name: str, start: datetime, end: datetime) -> list[DueRange]:
    """Every slot of `zone_name` due in the window (start, end], as ranges per local date."""
    if end <= start:
        return []
    tz = zone(zone_name)
    steady = _steady_offset(tz, start, end)
    if steady is not None:
        return _ranges_at_offset(zone_name, start + steady, end + steady)
    # One day of margin each side: a gap or a repeated hour can move a due
    # time across local midnight.
    day = start.astimezone(tz).date() - timedelta(days=1)
    last_day = end.astimezone(tz).date() + timedelta(days=1)
    ranges = []
    while day <= last_day:
        if due_at(zone_name, day, MINUTES_PER_DAY - 1) > start and due_at(zone_name, day, 0) <= end:
            first = _first_minute_after(zone_name, day, start)
            last = _first_minute_after(zone_name, day, end) - 1
            if first <= last:
                ranges.append(DueRange(zone_name, day, first, last))
        day += timedelta(days=1)
    return ranges


def _steady_offset(tz: ZoneInfo, start: datetime, end: datetime) -> timedelta | None:
    """The zone's UTC offset if it is the same from a day before `start` to a
    day after `end` (no clock change near the window), else None."""
    if end - start > timedelta(days=2):
        return None
    probes = (start - timedelta(days=1), start, end, end + timedelta(days=1))
    offsets = {probe.astimezone(tz).utcoffset() for probe in probes}
    if len(offsets) != 1:
        return None
    # Two changes that cancel out within a few days would fool the probes:
    # make sure with the midpoints too.
    middle = start + (end - start) / 2
    for probe in (start - timedelta(hours=12), middle, end + timedelta(hours=12)):
        if probe.astimezone(tz).utcoffset() not in offsets:
            return None
    return offsets.pop()


def _ranges_at_offset(zone_name: str, start_local: datetime, end_local: datetime) -> list[DueRange]:
    """The ranges when wall-clock time is UTC plus a fixed offset: every whole
    minute in (start_local, end_local], split by local date."""
    start_local = start_local.replace(tzinfo=None)
    end_local = end_local.replace(tzinfo=None)
    first = start_local.replace(second=0, microsecond=0) + timedelta(minutes=1)  # strictly after the start
    last = end_local.replace(second=0, microsecond=0)
    ranges = []
    while first <= last:
        day_end = datetime.combine(first.date(), time(23, 59))
        stop = min(last, day_end)
        ranges.append(DueRange(zone_name, first.date(), first.hour * 60 + first.minute, stop.hour * 60 + stop.minute))
        first = day_end + timedelta(minutes=1)
    return ranges


def split_window(start: datetime, end: datetime, size: timedelta = timedelta(days=1)):
    """Cut (start, end] into consecutive windows no longer than `size`."""
    while start < end:
        stop = min(end, start + size)
        yield start, stop
        start = stop

