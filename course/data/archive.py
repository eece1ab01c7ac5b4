"""A portable archive of every table: gzip-compressed JSON Lines.

Line 1 is the header:

    {"format": "aula-data", "version": 1, "revision": "0003", "tables": ["scheduler_state", "users", ...]}

then, table by table in dependency order (a row's parents come first), one
line per table (`{"table": NAME, "columns": [...]}`) followed by one line per
row, a JSON array of its values in that column order. Rows are in
primary-key order; times are UTC text (`2026-11-01T08:00:00.000000Z`), dates
`YYYY-MM-DD`, booleans `true`/`false`, missing values `null`. The gzip header
carries no name and no time, so the same data gives the same bytes, whatever
the database (SQLite or PostgreSQL) it was read from.
"""
import gzip
import json
import zlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timezone

from sqlalchemy import Boolean, Date, Float, Integer, func, insert, select, text
from sqlalchemy.engine import Connection

from ..extensions import db
from ..models.types import UTCDateTime

FORMAT = "aula-data"
VERSION = 1
BATCH = 1000
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class ArchiveError(Exception):
    """The archive cannot be loaded here (the message says why)."""


def tables():
    """The app's tables, parents before children."""
    return list(db.metadata.sorted_tables)


def schema_revision(conn: Connection) -> str | None:
    try:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 - no alembic_version table: never migrated
        conn.rollback()
        return None


# -- dump ------------------------------------------------------------------

def _to_json(column, value):
    if value is None:
        return None
    if isinstance(column.type, UTCDateTime):
        return value.astimezone(timezone.utc).strftime(TIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _rows(conn: Connection, table) -> Iterator[list]:
    key = list(table.primary_key.columns)
    query = select(*table.columns)
    if all(isinstance(column.type, Integer) for column in key):
        # Streamed in key order: memory stays flat for any number of rows.
        result = conn.execution_options(yield_per=BATCH).execute(query.order_by(*key))
        for row in result:
            yield [_to_json(column, value) for column, value in zip(table.columns, row)]
        return
    # A text key (small tables only): sorted here, since collations differ between databases.
    positions = [list(table.columns).index(column) for column in key]
    rows = [[_to_json(column, value) for column, value in zip(table.columns, row)] for row in conn.execute(query)]
    yield from sorted(rows, key=lambda row: [row[i] for i in positions])


def dump_lines(conn: Connection) -> Iterator[str]:
    """The archive's lines (uncompressed), read in one transaction."""
    revision = schema_revision(conn)
    if revision is None:
        raise ArchiveError("the database has no schema: run `flask --app app db upgrade` first")
    names = [table.name for table in tables()]
    yield _line({"format": FORMAT, "version": VERSION, "revision": revision, "tables": names})
    for table in tables():
        yield _line({"table": table.name, "columns": [column.name for column in table.columns]})
        for row in _rows(conn, table):
            yield _line(row)


def _line(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def gzip_chunks(lines: Iterable[str]) -> Iterator[bytes]:
    """gzip as a stream, with no name or time in its header (same data, same bytes)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: the gzip container
    buffered = []
    size = 0
    for line in lines:
        buffered.append(line.encode("utf-8"))
        size += len(buffered[-1])
        if size >= 1 << 16:
            yield compressor.compress(b"".join(buffered))
            buffered, size = [], 0
    yield compressor.compress(b"".join(buffered)) + compressor.flush()


# -- load ------------------------------------------------------------------

def _from_json(column, value):
    if value is None:
        return None
    if isinstance(column.type, UTCDateTime):
        return datetime.strptime(value, TIME_FORMAT).replace(tzinfo=timezone.utc)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    if isinstance(column.type, Boolean):
        return bool(value)
    if isinstance(column.type, Float):
        return float(value)
    return value


def read_header(lines: Iterator[str]) -> dict:
    try:
        header = json.loads(next(lines))
    except (StopIteration, ValueError, OSError, EOFError, gzip.BadGzipFile) as exc:
        raise ArchiveError(f"not an Aula data archive ({exc or 'empty file'})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ArchiveError("not an Aula data archive (no aula-data header)")
    if header.get("version") != VERSION:
        raise ArchiveError(f"archive format version {header.get('version')} is not supported (this Aula reads {VERSION})")
    return header


def non_empty_tables(conn: Connection) -> list[str]:
    return [table.name for table in tables()
            if conn.execute(select(func.count()).select_from(table)).scalar()]


def load_lines(conn: Connection, lines: Iterator[str]) -> dict[str, int]:
    """Load an archive into an empty database of the same schema revision (in the caller's transaction).

    Returns the number of rows per table. Raises ArchiveError before writing
    anything when the database is not empty or has another revision.
    """
    header = read_header(lines)
    revision = schema_revision(conn)
    if revision is None:
        raise ArchiveError("the database has no schema: run `flask --app app db upgrade` first")
    if header.get("revision") != revision:
        raise ArchiveError(f"the archive is of schema revision {header.get('revision')}, the database of {revision}: "
                           f"load it into a database at revision {header.get('revision')} "
                           "(`flask --app app db upgrade " f"{header.get('revision')}`), then upgrade")
    known = {table.name: table for table in tables()}
    if sorted(header.get("tables", [])) != sorted(known):
        raise ArchiveError("the archive's tables are not this schema's tables")
    busy = non_empty_tables(conn)
    if busy:
        raise ArchiveError(f"the database is not empty (rows in {', '.join(busy)}): load into a new, migrated database")
    counts: dict[str, int] = {}
    table = columns = None
    batch: list[dict] = []

    def flush():
        if batch:
            conn.execute(insert(table), batch)
            counts[table.name] += len(batch)
            batch.clear()

    for number, line in enumerate(lines, start=2):
        try:
            value = json.loads(line)
        except ValueError:
            raise ArchiveError(f"line {number}: not JSON (the archive is damaged)") from None
        if isinstance(value, dict):
            flush()
            table = known.get(value.get("table"))
            if table is None:
                raise ArchiveError(f"line {number}: unknown table {value.get('table')!r}")
            if value.get("columns") != [column.name for column in table.columns]:
                raise ArchiveError(f"line {number}: the columns of {table.name} differ from this schema's")
            columns = list(table.columns)
            counts[table.name] = 0
            continue
        if table is None or not isinstance(value, list) or len(value) != len(columns):
            raise ArchiveError(f"line {number}: a row that matches no table (the archive is damaged)")
        batch.append({column.name: _from_json(column, item) for column, item in zip(columns, value)})
        if len(batch) >= BATCH:
            flush()
    flush()
    _reset_sequences(conn)
    _analyze(conn)
    return counts


def _analyze(conn: Connection) -> None:
    """Dialect switch: PostgreSQL plans queries from statistics that a bulk load leaves empty
    until autovacuum comes by (and in the meantime may plan, say, an export in nested loops
    that take minutes): gather them now, as after pg_restore. (SQLite plans without them.)
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("ANALYZE " + ", ".join(table.name for table in tables())))


def _reset_sequences(conn: Connection) -> None:
    """Dialect switch: PostgreSQL's id sequences must continue after the loaded ids.

    (SQLite picks the next rowid from the largest one; nothing to do.)
    """
    if conn.dialect.name != "postgresql":
        return
    for table in tables():
        key = list(table.primary_key.columns)
        if len(key) == 1 and isinstance(key[0].type, Integer) and key[0].autoincrement in (True, "auto"):
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key[0].name}'), "
                f"COALESCE(MAX({key[0].name}), 1), MAX({key[0].name}) IS NOT NULL) FROM {table.name}"))
