"""The filters of a completion-record export, checked the same way for the
web form and the command line."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import lazy_gettext as _l

from ..i18n import LANGUAGES

FORMATS = ("csv", "jsonl", "xapi")


class FilterError(ValueError):
    """One or more filters are wrong; `errors` maps each field to its message."""

    def __init__(self, errors: dict):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Filters:
    """Which completion records to export (None: no restriction)."""

    module: str | None = None
    lang: str | None = None
    since: date | None = None   # module completed on or after this day (UTC)
    until: date | None = None   # module completed on or before this day (UTC)

    @property
    def by_completion(self) -> bool:
        return self.since is not None or self.until is not None

    @property
    def completed_from(self) -> datetime | None:
        """The first instant of `since`, in UTC."""
        return datetime.combine(self.since, time.min, timezone.utc) if self.since else None

    @property
    def completed_before(self) -> datetime | None:
        """The first instant after `until` (the end date is included); None
        when `until` is the calendar's last day (nothing comes after it)."""
        if self.until is None or self.until == date.max:
            return None
        return datetime.combine(self.until + timedelta(days=1), time.min, timezone.utc)

    def as_dict(self) -> dict:
        """For the audit log and file names: only the filters that are set."""
        values = {"module": self.module, "lang": self.lang,
                  "since": self.since.isoformat() if self.since else None,
                  "until": self.until.isoformat() if self.until else None}
        return {k: v for k, v in values.items() if v is not None}


def parse_date(value: str) -> date:
    """A calendar day written as YYYY-MM-DD; ValueError otherwise."""
    value = value.strip()
    if len(value) != 10:
        raise ValueError(value)
    return date.fromisoformat(value)


def check_filters(module_ids, module: str | None = None, lang: str | None = None,
                  since: str | date | None = None, until: str | date | None = None) -> Filters:
    """Check the filters as given (text or None); raise FilterError with every problem."""
    errors = {}
    module = (module or "").strip() or None
    lang = (lang or "").strip() or None
    if module is not None and module not in module_ids:
        errors["module"] = _l("Unknown module “%(module)s”. Choose one of: %(choices)s.",
                              module=module, choices=", ".join(module_ids))
    if lang is not None and lang not in LANGUAGES:
        errors["lang"] = _l("Unknown language “%(lang)s”. Choose one of: %(choices)s.",
                            lang=lang, choices=", ".join(LANGUAGES))
    days = {}
    for name, value in (("since", since), ("until", until)):
        if isinstance(value, date):
            days[name] = value
        elif value is not None and value.strip():
            try:
                days[name] = parse_date(value)
            except ValueError:
                errors[name] = _l("Enter the date as YYYY-MM-DD, for example 2026-03-31.")
    if "since" in days and "until" in days and days["since"] > days["until"]:
        errors["until"] = _l("The end date must be on or after the start date.")
    if errors:
        raise FilterError(errors)
    return Filters(module, lang, days.get("since"), days.get("until"))


def check_format(value: str | None) -> str:
    if value not in FORMATS:
        raise FilterError({"format": _l("Choose a format: CSV, JSON Lines or xAPI.")})
    return value
