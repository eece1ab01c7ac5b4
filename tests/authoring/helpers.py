"""Helpers for the authoring tests."""
from pathlib import Path

from course.config import PROJECT_ROOT
from course.content.loader import display_path
from course.content.validate import validate_path

SHIPPED = PROJECT_ROOT / "content"


def line_of(path: Path, text: str, start: int = 1) -> int:
    """The number of the first line (from `start`) that contains `text`."""
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if number >= start and text in line:
            return number
    raise AssertionError(f"{text!r} not found in {path}")


def shown(path: Path) -> str:
    """A file as the validator names it."""
    return display_path(path)


def problems_of(target: Path, level: str | None = None) -> list[str]:
    """`path:line: message` for each problem the validator finds."""
    return [str(p) for p in validate_path(target, git_hints=False) if level is None or p.level == level]


def errors_of(target: Path) -> list[str]:
    return [str(p) for p in validate_path(target, git_hints=False) if p.level != "warning"]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace `old` (which must be there) in a file."""
    text = Path(path).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    Path(path).write_text(text.replace(old, new, count), encoding="utf-8")


def insert_after(path: Path, marker: str, new_line: str) -> int:
    """Insert a line after the first line containing `marker`; returns its number."""
    lines = Path(path).read_text(encoding="utf-8").splitlines(keepends=True)
    for index, line in enumerate(lines):
        if marker in line:
            lines.insert(index + 1, new_line + "\n")
            Path(path).write_text("".join(lines), encoding="utf-8")
            return index + 2
    raise AssertionError(f"{marker!r} not found in {path}")
