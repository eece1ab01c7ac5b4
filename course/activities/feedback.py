"""Module feedback: a rating from 1 to 5 and a comment, kept for administrators."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import ModuleFeedback, utcnow
from . import texts

RATINGS = (1, 2, 3, 4, 5)
MISSING_RATING = "missing-rating"
TOO_LONG = "too-long"


def parse_rating(raw: str | None) -> int | None:
    """The rating a form sent ("1" to "5"), else None (so "²" or "4.5" is no rating)."""
    return {str(r): r for r in RATINGS}.get((raw or "").strip())


def check(rating, comment: str) -> dict[str, str]:
    """Problems with a feedback form: field name -> code."""
    errors = {}
    if rating not in RATINGS:
        errors["rating"] = MISSING_RATING
    if texts.too_long(texts.normalise(comment)):
        errors["comment"] = TOO_LONG
    return errors


def latest(user_id: int, module_id: str) -> ModuleFeedback | None:
    return db.session.scalar(select(ModuleFeedback).where(
        ModuleFeedback.user_id == user_id, ModuleFeedback.module_id == module_id,
    ).order_by(ModuleFeedback.created_at.desc(), ModuleFeedback.id.desc()).limit(1))


def save(user_id: int, module_id: str, lang: str, rating: int, comment: str) -> ModuleFeedback:
    """One opinion per learner and module: sending it again replaces the last one."""
    for _attempt in range(2):  # two sends at once: the second updates what the first inserted
        row = latest(user_id, module_id)
        if row is None:
            row = ModuleFeedback(user_id=user_id, module_id=module_id)
            db.session.add(row)
        row.lang = lang
        row.rating = int(rating)
        row.comment = texts.normalise(comment).strip()
        row.created_at = utcnow()
        try:
            db.session.commit()
            return row
        except IntegrityError:
            db.session.rollback()
    raise RuntimeError("could not save the module feedback")  # pragma: no cover
