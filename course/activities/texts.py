"""Free text written by learners: one length limit, one normal form, and
one meaning of "blank" for Python and SQL alike."""
from sqlalchemy import func

#: The most characters one answer, note or comment may hold.
MAX_TEXT_LENGTH = 10_000


def normalise(text: str | None) -> str:
    """Line endings as "\\n"; nothing else is changed (what was typed is kept)."""
    if not text:
        return ""
    return text.replace("\r\n", "\n").replace("\r", "\n")


#: A text made of these characters alone is blank: no answer, no note. The
#: same characters in Python (is_blank) and in SQL (not_blank_sql), so that a
#: page and an export never disagree about an answer (str.strip() without
#: arguments also strips other Unicode spaces, which SQL's trim() keeps).
BLANK_CHARACTERS = " \t\n\r\f\v"


def is_blank(text: str | None) -> bool:
    return not (text or "").strip(BLANK_CHARACTERS)


def not_blank_sql(column):
    """The SQL condition "this text column is not blank" (SQLite and PostgreSQL)."""
    return func.trim(column, BLANK_CHARACTERS) != ""


def too_long(text: str) -> bool:
    return len(text) > MAX_TEXT_LENGTH
