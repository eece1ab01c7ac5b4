"""Private notes: one per learner and lesson."""
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from ..content import CourseView, LessonRef
from ..extensions import db
from ..models import Note
from . import texts

TOO_LONG = "too-long"


def get_note(user_id: int, lesson_id: str) -> Note | None:
    return db.session.scalar(select(Note).where(Note.user_id == user_id, Note.lesson_id == lesson_id))


#: Built once: every lesson page of a signed-in learner reads the note's text.
_notes = Note.__table__.c  # a plain Core statement: no ORM machinery for one text
_NOTE_TEXT = select(_notes.text).where(_notes.user_id == bindparam("user_id"), _notes.lesson_id == bindparam("lesson_id"))


def note_text(user_id: int, lesson_id: str) -> str:
    """The learner's note on a lesson ("" without one)."""
    # On the session's connection: a Core statement needs none of Session.execute's ORM path.
    return db.session.connection().scalar(_NOTE_TEXT, {"user_id": user_id, "lesson_id": lesson_id}) or ""


def save_note(user_id: int, ref: LessonRef, raw: str) -> str | None:
    """Save the note (a blank one is removed). Returns an error code, or None."""
    text = texts.normalise(raw)
    if texts.too_long(text):
        return TOO_LONG
    where = (Note.user_id == user_id, Note.lesson_id == ref.id)
    if texts.is_blank(text):
        db.session.execute(delete(Note).where(*where))
        db.session.commit()
        return None
    for _attempt in range(2):  # a concurrent first save: update the row the other one made
        row = db.session.scalar(select(Note).where(*where))
        if row is None:
            db.session.add(Note(user_id=user_id, module_id=ref.module_id, lesson_id=ref.id, text=text))
        elif row.text != text:
            row.text = text
        try:
            db.session.commit()
            return None
        except IntegrityError:
            db.session.rollback()
    raise RuntimeError("could not save the note")  # pragma: no cover


@dataclass(frozen=True)
class NoteEntry:
    ref: LessonRef
    note: Note


def list_notes(user_id: int, view: CourseView) -> list[tuple[object, list[NoteEntry]]]:
    """(module, [notes]) in course order, for every module with a note."""
    notes = {n.lesson_id: n for n in db.session.scalars(select(Note).where(Note.user_id == user_id))}
    result = []
    for module in view.modules:
        entries = [NoteEntry(ref, notes[ref.id]) for ref in module.lessons if ref.id in notes]
        if entries:
            result.append((module, entries))
    return result


def notes_markdown(groups, labels: dict) -> str:
    out = [f"# {labels['title']}", ""]
    for module, entries in groups:
        out += [f"## {module.module.title}", ""]
        for entry in entries:
            out += [f"### {entry.ref.lesson.title}", "", entry.note.text.strip(), ""]
    if not groups:
        out += [labels["empty"], ""]
    return "\n".join(out).rstrip() + "\n"
