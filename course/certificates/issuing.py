"""Issuing certificates: once per learner, when the course is complete.

The course is complete when `User.course_completed_at` is set: the one
completion rule of `learn.progress` records it (and the completion export
reads the same column). A certificate freezes what it certifies: the
learner's name, language, each module's best final-quiz score and the
course's study time at that moment.
"""
import json
import logging
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..content import get_content
from ..extensions import db
from ..learn.progress import course_status
from ..models import Certificate, User, utcnow

log = logging.getLogger(__name__)

#: Crockford's base32 alphabet (no I, L, O, U: nothing to misread when typed).
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
#: 20 characters of 5 bits: 100 random bits, unguessable.
ID_LENGTH = 20


def new_public_id() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(ID_LENGTH))


def normalise_id(raw: str) -> str | None:
    """A typed or pasted id (any case, dashes and spaces ignored), or None if it cannot be one."""
    text = "".join(raw.split()).replace("-", "").lower()
    text = text.translate(str.maketrans({"i": "1", "l": "1", "o": "0"}))  # Crockford's decoding rules
    if len(text) != ID_LENGTH or any(char not in _ALPHABET for char in text):
        return None
    return text


def grouped(public_id: str) -> str:
    """The id as people read it aloud or type it: four groups of five."""
    return "-".join(public_id[i:i + 5] for i in range(0, len(public_id), 5)).upper()


def certificate_of(user_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.user_id == user_id))


def by_public_id(raw: str) -> Certificate | None:
    public_id = normalise_id(raw)
    if public_id is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.public_id == public_id))


def scores_of(certificate: Certificate) -> dict[str, float | None]:
    try:
        value = json.loads(certificate.scores or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def issue(user: User) -> tuple[Certificate | None, bool]:
    """(the learner's certificate, whether it was issued just now).

    None while the course is not complete. Safe to call again and from two
    requests at once: the database keeps one certificate per account.
    """
    existing = certificate_of(user.id)
    if existing is not None or user.course_completed_at is None:
        return existing, False
    view = get_content().course(user.lang)
    status = course_status(view, user)
    scores = {module.id: status.modules[module.id].best_score for module in view.modules}
    certificate = Certificate(
        public_id=new_public_id(), user_id=user.id, course_id=view.course.id, name=user.name,
        lang=user.lang, scores=json.dumps(scores), minutes=view.minutes,
        completed_at=user.course_completed_at, issued_at=utcnow(),
    )
    db.session.add(certificate)
    try:
        db.session.commit()
    except IntegrityError:  # issued by another request a moment ago
        db.session.rollback()
        return certificate_of(user.id), False
    log.info("certificates: issued %s to user %s", certificate.public_id, user.id)
    return certificate, True
