"""The administrators' dashboard figures, computed away from the page.

Each figure is an aggregate over every learner's rows (seconds with 100,000
learners on SQLite), so, like the cron-computed reports of other learning
platforms, they are computed by the worker (`flask reminders run`, every
DASHBOARD_REFRESH_MINUTES), by `flask dashboards refresh` (cron) or by the
"Refresh now" button, and stored in dashboard_figures: ids and counts only,
so the page names modules, quizzes and questions from the current content in
the viewer's language. When no figures were ever stored, or the stored ones
are older than twice the interval (no worker running), the page computes
them once itself and stores them, so small sites always see current figures.

Refreshing at once from several places never fails: the figures are
computed in a read transaction, then written in a transaction of their own
with an upsert that keeps the later figures (course.database.upsert_unless_newer).
"""
import json
import time
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..admin.insight import quiz_counts
from ..content import get_content
from ..database import upsert_unless_newer
from ..extensions import db
from ..languages import DEFAULT_LANGUAGE
from ..models import DashboardFigure
from ..models.types import utcnow
from ..signals import tick_job
from . import figures

#: The kinds of figure stored, one row each.
KINDS = ("funnel", "quizzes", "active_per_week", "reminder_effect")
DEFAULT_REFRESH_MINUTES = 10


@dataclass(frozen=True)
class Figures:
    """The dashboard's figures as computed at `computed_at`, for the UTC day `day`."""
    day: date
    computed_at: datetime
    funnel: dict            # module id -> [started, all lessons done, quiz passed]
    quizzes: dict           # quiz id -> learners, attempts, passed, questions: {question id: [answered, judged, right]}
    active: list            # [(Monday, learners active that week)], oldest first
    effect: figures.ReminderEffect

    def age(self, now: datetime) -> timedelta:
        return now - self.computed_at


def refresh_minutes() -> int:
    return current_app.config.get("DASHBOARD_REFRESH_MINUTES", DEFAULT_REFRESH_MINUTES)


def interval() -> timedelta:
    return timedelta(minutes=refresh_minutes())


def compute(now: datetime) -> Figures:
    """Every figure, counted now (the slow part: one aggregate each)."""
    view = get_content().course(DEFAULT_LANGUAGE)  # ids are the same in every language
    today = now.date()
    return Figures(today, now, figures.funnel_counts(view), quiz_counts(), figures.active_per_week(today),
                   figures.reminder_effect(today))


def _rows(found: Figures) -> list[dict]:
    effect = asdict(found.effect)
    effect["since"] = found.effect.since.isoformat()
    documents = {
        "funnel": found.funnel,
        "quizzes": found.quizzes,
        "active_per_week": [[monday.isoformat(), count] for monday, count in found.active],
        "reminder_effect": effect,
    }
    return [{"kind": kind, "day": found.day, "data": json.dumps(documents[kind], sort_keys=True),
             "computed_at": found.computed_at} for kind in KINDS]


def store(found: Figures) -> None:
    """Write the figures in a transaction of their own (not the session's:
    its read transaction may be older than another writer's commit)."""
    with db.engine.begin() as connection:
        upsert_unless_newer(connection, DashboardFigure, _rows(found), ["kind"], "computed_at")


def refresh(now: datetime | None = None) -> Figures:
    """Compute every figure and store them; returns them."""
    found = compute(now or utcnow())
    store(found)
    return found


def load() -> Figures | None:
    """The stored figures (None if some kind was never computed, or cannot be
    read: e.g. written by another release in another shape)."""
    rows = {row.kind: row for row in db.session.scalars(select(DashboardFigure))}
    if any(kind not in rows for kind in KINDS):
        return None
    oldest = min(rows.values(), key=lambda row: row.computed_at)
    try:
        data = {kind: json.loads(row.data) for kind, row in rows.items()}
        effect = dict(data["reminder_effect"], since=date.fromisoformat(data["reminder_effect"]["since"]))
        return Figures(oldest.day, oldest.computed_at, dict(data["funnel"]), dict(data["quizzes"]),
                       [(date.fromisoformat(monday), int(count)) for monday, count in data["active_per_week"]],
                       figures.ReminderEffect(**effect))
    except (ValueError, KeyError, TypeError):
        current_app.logger.warning("dashboards: the stored figures cannot be read; computing them again")
        return None


def for_page(now: datetime | None = None) -> Figures:
    """The stored figures; computed and stored first when there are none or
    they are older than twice the interval (no worker is refreshing them)."""
    now = now or utcnow()
    found = load()
    if found is None or found.age(now) > 2 * interval():
        found = refresh(now)
    return found


def refresh_if_due(now: datetime) -> Figures | None:
    """Refresh when the stored figures are at least one interval old (or
    missing); returns the new figures, or None when nothing was due."""
    found = load()
    if found is not None and found.age(now) < interval():
        return None
    return refresh(now)


@tick_job("dashboards: refreshing the figures")
def refresh_on_tick() -> str | None:
    """scheduler_tick receiver: the worker refreshes the figures every
    DASHBOARD_REFRESH_MINUTES."""
    started = time.monotonic()
    if refresh_if_due(utcnow()) is None:
        return None
    return f"dashboards: figures refreshed in {time.monotonic() - started:.1f} s"
