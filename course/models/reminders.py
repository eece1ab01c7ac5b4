"""Study-reminder schedules and the deliveries made from them."""
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow

DEFAULT_MINUTE = 7 * 60  # 07:00 local time
DEFAULT_DAYS = (0, 1, 2, 3, 4)  # Monday to Friday


class DeliveryStatus(StrEnum):
    """Where one reminder slot stands. Stored as its value; compares equal to it."""

    QUEUED = "queued"    # waiting for its time (or for a retry)
    SENDING = "sending"  # claimed by a scheduler
    SENT = "sent"
    FAILED = "failed"    # the mail server refused it, or retries ran out
    MISSED = "missed"    # not sent: too late to be useful


class ReminderSchedule(db.Model):
    """One row per learner and weekday (0 = Monday): on or off, and when."""

    __tablename__ = "reminder_schedules"
    __table_args__ = (
        # The scheduler finds every learner due in a window through this index.
        Index("ix_reminder_schedules_weekday_minute", "weekday", "minute"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    minute: Mapped[int] = mapped_column(Integer, default=DEFAULT_MINUTE)  # after local midnight


class ReminderDelivery(db.Model):
    """One scheduled slot of one learner: the unique key makes sending exactly-once."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        UniqueConstraint("user_id", "local_date"),
        Index("ix_reminder_deliveries_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SchedulerState(db.Model):
    """Small named values the scheduler keeps, such as the time of its last tick."""

    __tablename__ = "scheduler_state"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
