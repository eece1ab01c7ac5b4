"""The learner's seven weekdays of reminders: the rules of the settings form
(a day on or off, a time, the - and + buttons), loading and saving their
rows, and the default week every new account gets."""
import re
from dataclasses import dataclass, replace

from sqlalchemy import select

from ..extensions import db
from ..models import ReminderSchedule
from ..models.reminders import DEFAULT_DAYS, DEFAULT_MINUTE
from .schedule import STEP_MINUTES, shift as shift_minute

_SHIFT = re.compile(r"^([0-6]):([+-]?)([0-9]{1,4})$")  # short ASCII digits: int() never fails


@dataclass(frozen=True)
class Day:
    weekday: int  # 0 = Monday
    enabled: bool
    minute: int  # after local midnight


def parse_shift(value: str | None) -> tuple[int, int] | None:
    """"2:-30" -> (2, -30): a day's - or + button. Anything else -> None."""
    match = _SHIFT.match((value or "").strip())
    if not match:
        return None
    weekday, sign, amount = int(match[1]), match[2], int(match[3])
    if amount != STEP_MINUTES:
        return None
    return weekday, -amount if sign == "-" else amount


def apply_changes(days: dict[int, Day], submitted: dict[int, tuple[bool, int]],
                  shift: tuple[int, int] | None = None) -> dict[int, Day]:
    """The schedule after the form: each day's on/off and time, then a button's half hour."""
    result = dict(days)
    for weekday, (enabled, minute) in submitted.items():
        result[weekday] = replace(result[weekday], enabled=enabled, minute=minute)
    if shift is not None:
        weekday, delta = shift
        day = result[weekday]
        result[weekday] = replace(day, minute=shift_minute(day.minute, delta))
    return result


def load_days(user_id: int) -> dict[int, Day]:
    """The learner's seven days (a missing row reads as off at 07:00)."""
    rows = db.session.scalars(select(ReminderSchedule).where(ReminderSchedule.user_id == user_id))
    days = {weekday: Day(weekday, False, DEFAULT_MINUTE) for weekday in range(7)}
    for row in rows:
        days[row.weekday] = Day(row.weekday, bool(row.enabled), row.minute)
    return days


def save_days(user_id: int, days: dict[int, Day]) -> None:
    """Write the seven days (in the current transaction)."""
    rows = {row.weekday: row for row in db.session.scalars(
        select(ReminderSchedule).where(ReminderSchedule.user_id == user_id))}
    for weekday, day in days.items():
        row = rows.get(weekday)
        if row is None:
            db.session.add(ReminderSchedule(user_id=user_id, weekday=weekday, enabled=day.enabled, minute=day.minute))
        else:
            row.enabled, row.minute = day.enabled, day.minute


def default_days() -> dict[int, Day]:
    """Monday to Friday at 07:00 (local time), the weekend off."""
    return {weekday: Day(weekday, weekday in DEFAULT_DAYS, DEFAULT_MINUTE) for weekday in range(7)}


def create_default_schedule(user, **_extra) -> None:
    """account_created receiver: the new account's default week, in the transaction that creates it."""
    save_days(user.id, default_days())
