"""Events counted to limit how often something may happen (failed sign-ins,
emails asked for), kept in the database so a limit holds across workers,
servers and restarts."""
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class ThrottleEvent(db.Model):
    """One counted event: `kind` (e.g. "login-account") and whose it is,
    `key`, a keyed hash of the email address or client address (never the
    address itself)."""

    __tablename__ = "throttle_events"
    __table_args__ = (Index("ix_throttle_events_kind_key_at", "kind", "key", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
