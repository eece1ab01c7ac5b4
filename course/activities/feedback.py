"""Module feedback: a rating from 1 to 5 and a comment, kept for administrators."""
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import ModuleFeedback, User, utcnow
from . import texts

RATINGS = (1, 2, 3, 4, 5)
MISSING_RATING = "missing-rating"
TOO_LONG = "too-long"


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
    row = latest(user_id, module_id)
    if row is None:
        row = ModuleFeedback(user_id=user_id, module_id=module_id)
        db.session.add(row)
    row.lang = lang
    row.rating = int(rating)
    row.comment = texts.normalise(comment).strip()
    row.created_at = utcnow()
    db.session.commit()
    return row


@dataclass(frozen=True)
class ModuleSummary:
    module_id: str
    count: int
    average: float | None


def summaries(module_ids) -> list[ModuleSummary]:
    """Count and average rating per module, in the order given."""
    rows = db.session.execute(select(
        ModuleFeedback.module_id, func.count(ModuleFeedback.id), func.avg(ModuleFeedback.rating),
    ).group_by(ModuleFeedback.module_id))
    found = {module_id: (count, avg) for module_id, count, avg in rows}
    return [ModuleSummary(m, found.get(m, (0, None))[0],
                          float(found[m][1]) if m in found and found[m][1] is not None else None)
            for m in module_ids]


def comments(module_id: str, limit: int = 200) -> list[tuple[ModuleFeedback, str]]:
    """The newest feedback on a module, with each learner's name."""
    rows = db.session.execute(select(ModuleFeedback, User.name).join(User, User.id == ModuleFeedback.user_id)
                              .where(ModuleFeedback.module_id == module_id)
                              .order_by(ModuleFeedback.created_at.desc(), ModuleFeedback.id.desc()).limit(limit))
    return [(fb, name) for fb, name in rows]
