"""Course certificates: issued once, when a learner completes the course."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class Certificate(db.Model):
    """What was certified, frozen at issue: the name, language, scores and
    study time as they were then. `public_id` is the random id anyone can
    verify; the account id never leaves the site."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    #: One certificate per account (the site has one course).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    course_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(120))
    lang: Mapped[str] = mapped_column(String(2))
    #: {module id: best final-quiz score in percent} at the moment of issue (JSON).
    scores: Mapped[str] = mapped_column(Text, default="{}")
    #: The study time of the course outline at the moment of issue.
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    email_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
