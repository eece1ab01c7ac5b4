"""The administrators' dashboard figures as last computed (by the worker,
`flask dashboards refresh`, or the page itself when none are recent)."""
from datetime import date, datetime

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class DashboardFigure(db.Model):
    """One row per figure kind ("funnel", "quizzes", "active_per_week",
    "reminder_effect"): its counts as a JSON document that holds ids
    (modules, quizzes, questions), dates and counts only, never names, so
    the page names them from the current content in the viewer's language."""

    __tablename__ = "dashboard_figures"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date)              # the (UTC) day the figures are for
    data: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
