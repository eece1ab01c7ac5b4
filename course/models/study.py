"""The days each learner studied (for the progress calendar and the dashboards)."""
from datetime import date

from sqlalchemy import Date, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class StudyDay(db.Model):
    """One row per learner and day (in the learner's own time zone) with any
    learning activity: a lesson opened or completed, a quiz submitted, a
    reflection or note written."""

    __tablename__ = "study_days"
    __table_args__ = (
        # The dashboards count learners per day range through this index alone.
        Index("ix_study_days_day_user", "day", "user_id"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
