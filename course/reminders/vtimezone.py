"""A VTIMEZONE that every calendar client expands the same way, from zoneinfo.

Clients read time zone definitions differently: Mozilla's ical.js (Thunderbird
and others) and libical ignore an observance's DTSTART when it also has
RDATEs, and they hold no onset before the first one they are given. So the
definition here:

- starts on 1 January of the year before the first event, so every
  observance has an onset before any event;
- gives each observance a yearly RRULE when zoneinfo's changes follow one
  (the second Sunday of March, the last Sunday of October...) for every year
  until ten years ahead, so clients expand it for as long as they need;
- otherwise (a zone that changes its rules, or follows no weekday rule) lists
  every onset as an RDATE, the first one included, after an observance that
  holds the offset in force at the start;
- writes each onset in the local time before the change (RFC 5545): New
  York's daylight time starts at 02:00, not 03:00.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_STEP = timedelta(hours=6)  # zones do not change twice within six hours


@dataclass(frozen=True)
class State:
    offset: timedelta
    dst: bool
    name: str


@dataclass(frozen=True)
class Change:
    at: datetime  # UTC
    before: State
    after: State

    @property
    def onset(self) -> datetime:
        """The naive local time of the change, read with the offset before it."""
        return (self.at + self.before.offset).replace(tzinfo=None)


def _state(tz: ZoneInfo, moment: datetime) -> State:
    local = moment.astimezone(tz)
    return State(local.utcoffset(), bool(local.dst()), local.tzname() or tz.key)


def changes(tz: ZoneInfo, start: datetime, end: datetime) -> list[Change]:
    """Every change of offset, DST flag or abbreviation between two UTC moments (to the second)."""
    found = []
    moment, state = start, _state(tz, start)
    while moment < end:
        following = moment + _STEP
        next_state = _state(tz, following)
        if next_state != state:
            low, high = moment, following  # state at low, next_state at high
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _state(tz, middle) == state:
                    low = middle
                else:
                    high = middle
            found.append(Change(high.replace(microsecond=0), state, next_state))
        moment, state = following, next_state
    return found


def _yearly_rule(onsets: list[datetime], years: range) -> dict | None:
    """A yearly RRULE (month, n-th or last weekday, time) that gives exactly these onsets, one per year."""
    if [o.year for o in onsets] != list(years):
        return None
    first = onsets[0]
    if any((o.month, o.weekday(), o.time()) != (first.month, first.weekday(), first.time()) for o in onsets):
        return None
    day = WEEKDAY_CODES[first.weekday()]
    nths = {(o.day - 1) // 7 + 1 for o in onsets}
    if len(nths) == 1 and nths != {5}:
        return {"freq": "yearly", "bymonth": first.month, "byday": f"{nths.pop()}{day}"}
    if all((o + timedelta(days=7)).month != o.month for o in onsets):
        return {"freq": "yearly", "bymonth": first.month, "byday": f"-1{day}"}
    return None


def _observance(state: State, offset_from: timedelta, start: datetime):
    component = icalendar.TimezoneDaylight() if state.dst else icalendar.TimezoneStandard()
    component.add("tzname", state.name)
    component.add("tzoffsetfrom", offset_from)
    component.add("tzoffsetto", state.offset)
    component.add("dtstart", start)
    return component


@lru_cache(maxsize=256)
def _vtimezone_ical(key: str, first_year: int, last_year: int) -> bytes:
    tz = ZoneInfo(key)
    start = datetime(first_year, 1, 1, tzinfo=timezone.utc)
    end = datetime(last_year + 1, 1, 1, tzinfo=timezone.utc)
    found = changes(tz, start, end)
    vtimezone = icalendar.Timezone()
    vtimezone.add("tzid", key)
    groups: dict[tuple[State, State], list[Change]] = {}
    for change in found:
        groups.setdefault((change.before, change.after), []).append(change)
    rules = {key_: _yearly_rule([c.onset for c in group], range(first_year, last_year + 1))
             for key_, group in groups.items()}
    if not found or not all(rules.values()):
        # No yearly rule: the offset in force at the start, then every onset listed.
        initial = _state(tz, start)
        vtimezone.add_component(_observance(initial, initial.offset, datetime(first_year, 1, 1)))
        for (before, after), group in groups.items():
            observance = _observance(after, before.offset, group[0].onset)
            for change in group:
                observance.add("rdate", change.onset)
            vtimezone.add_component(observance)
    else:
        for (before, after), group in groups.items():
            observance = _observance(after, before.offset, group[0].onset)
            observance.add("rrule", rules[(before, after)])
            vtimezone.add_component(observance)
    return vtimezone.to_ical()


def vtimezone(tz: ZoneInfo, first_year: int, last_year: int) -> icalendar.Timezone:
    """The definition of `tz` from 1 January of `first_year`, checked against zoneinfo until `last_year`."""
    return icalendar.Timezone.from_ical(_vtimezone_ical(tz.key, first_year, last_year))
