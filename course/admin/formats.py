"""Completion records as CSV, JSON Lines and xAPI 1.0.3 statements.

Each formatter takes an iterable of records (records.Record, read by
name) and yields text chunks as it goes, so a download or a file grows
while the database is still being read.
"""
import csv
import io
import json
from collections.abc import Iterable, Iterator

from ..xapi.statements import XapiCatalogue
from .records import COLUMNS, Record

#: Rows formatted per chunk of output.
CHUNK_ROWS = 500

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "xapi": "application/json; charset=utf-8",
}
EXTENSIONS = {"csv": "csv", "jsonl": "jsonl", "xapi": "xapi.json"}

# A spreadsheet reads a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Neutralise a text cell a spreadsheet would run as a formula (OWASP: prefix a quote)."""
    if value and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def iso(moment) -> str | None:
    """A UTC time as ISO 8601 with a Z, to the second.

    `moment` is an aware or naive UTC datetime, or SQLite's stored text
    ("YYYY-MM-DD HH:MM:SS[.ffffff]", always UTC here: see records.RawTime).
    """
    if moment is None:
        return None
    if isinstance(moment, str):
        return f"{moment[:10]}T{moment[11:19]}Z"
    return moment.isoformat(timespec="seconds")[:19] + "Z"


def iso_ms(moment) -> str | None:
    """The same, to the millisecond (the precision an LRS keeps)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        fraction = (moment[20:23] if moment[19:20] == "." else "") + "000"
        return f"{moment[:10]}T{moment[11:19]}.{fraction[:3]}Z"
    return moment.isoformat(timespec="milliseconds")[:23] + "Z"


def score(value) -> float | int | None:
    """A percentage rounded to two decimals (100.0 -> 100)."""
    if value is None:
        return None
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


def _chunks(lines: Iterable[str], head: str = "", tail: str = "") -> Iterator[str]:
    """Join lines into chunks of CHUNK_ROWS; `head` goes out at once."""
    if head:
        yield head
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) >= CHUNK_ROWS:
            yield "".join(batch)
            batch.clear()
    if batch or tail:
        yield "".join(batch) + tail


# -- CSV -------------------------------------------------------------------

def _csv_cells(r: Record) -> tuple:
    best = score(r.quiz_best_score)
    return (r.learner_id, spreadsheet_safe(r.name), spreadsheet_safe(r.email), r.language,
            spreadsheet_safe(r.time_zone), iso(r.registered_at), r.module_id, spreadsheet_safe(r.module_title),
            r.lessons_completed, r.lessons_total, r.activities_completed, r.activities_total,
            "" if best is None else best, r.quiz_attempts, "true" if r.quiz_passed else "false",
            iso(r.module_started_at), iso(r.module_completed_at), iso(r.course_completed_at),
            r.certificate_id or "", iso(r.certificate_issued_at))


def csv_chunks(rows: Iterable) -> Iterator[str]:
    """RFC 4180: a header row, CRLF line ends, fields quoted only where needed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    yield buffer.getvalue()
    batch = []
    for row in rows:
        batch.append(_csv_cells(row))
        if len(batch) >= CHUNK_ROWS:
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(batch)
            batch.clear()
            yield buffer.getvalue()
    if batch:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(batch)
        yield buffer.getvalue()


# -- JSON Lines ------------------------------------------------------------

def record_dict(r: Record) -> dict:
    """One record with typed values: numbers, booleans, ISO 8601 UTC times or null."""
    return {
        "learner_id": r.learner_id, "name": r.name, "email": r.email, "language": r.language,
        "time_zone": r.time_zone, "registered_at": iso(r.registered_at), "module_id": r.module_id,
        "module_title": r.module_title, "lessons_completed": r.lessons_completed,
        "lessons_total": r.lessons_total, "activities_completed": r.activities_completed,
        "activities_total": r.activities_total, "quiz_best_score": score(r.quiz_best_score),
        "quiz_attempts": r.quiz_attempts, "quiz_passed": bool(r.quiz_passed),
        "module_started_at": iso(r.module_started_at), "module_completed_at": iso(r.module_completed_at),
        "course_completed_at": iso(r.course_completed_at),
        "certificate_id": r.certificate_id, "certificate_issued_at": iso(r.certificate_issued_at),
    }


def jsonl_chunks(rows: Iterable) -> Iterator[str]:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    return _chunks(dumps(record_dict(row)) + "\n" for row in rows)


# -- xAPI 1.0.3 ------------------------------------------------------------
# The statements come from course.xapi.statements, which the live statements
# use too: the same fact has the same id, actor and activities in both.

def xapi_chunks(rows: Iterable, catalogue: XapiCatalogue) -> Iterator[str]:
    """A JSON array of statements (what an LRS takes in POST /statements)."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def lines():
        first, learner = True, None
        for row in rows:
            statements = catalogue.record_statements(row, iso_ms)
            if row.learner_id != learner:  # rows come learner by learner: one `earned` each
                learner = row.learner_id
                earned = catalogue.earned(row, iso, iso_ms)
                if earned is not None:
                    statements.append(earned)
            for statement in statements:
                yield ("\n" if first else ",\n") + dumps(statement)
                first = False

    return _chunks(lines(), head="[", tail="\n]\n")
