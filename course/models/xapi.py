"""The xAPI outbox: statements written with the learning event, sent later."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow

class XapiStatus(StrEnum):
    """A statement's life. Stored as its value; compares equal to it."""

    WAITING = "waiting"  # to be sent (or sent again after an outage)
    SENDING = "sending"  # claimed by a sender
    SENT = "sent"        # the LRS has it
    FAILED = "failed"    # the LRS refused it


#: The statuses, in their order of life (for pages and filters).
XAPI_STATUSES = tuple(XapiStatus)


class XapiStatement(db.Model):
    __tablename__ = "xapi_statements"
    __table_args__ = (
        # The sender finds what is due through this index.
        Index("ix_xapi_statements_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The statement's own id (UUID 5, as the export makes it): one row per fact.
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    verb: Mapped[str] = mapped_column(String(16))
    payload: Mapped[str] = mapped_column(Text)  # the statement, as JSON
    status: Mapped[str] = mapped_column(String(16), default=XapiStatus.WAITING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
