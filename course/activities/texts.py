"""Free text written by learners: one length limit and one normal form."""

#: The most characters one answer, note or comment may hold.
MAX_TEXT_LENGTH = 10_000


def normalise(text: str | None) -> str:
    """Line endings as "\\n"; nothing else is changed (what was typed is kept)."""
    if not text:
        return ""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_blank(text: str | None) -> bool:
    return not (text or "").strip()


def too_long(text: str) -> bool:
    return len(text) > MAX_TEXT_LENGTH
