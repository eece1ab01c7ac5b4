"""Database engine tuning.

Dialect switch: the statements below are SQLite-only and run only when the
connection is an SQLite one. Every other database (PostgreSQL through
DATABASE_URL) is left with its defaults.
"""
import os
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 10_000


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, _record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


@event.listens_for(Engine, "do_connect")
def _private_sqlite_file(dialect, _record, cargs, cparams):
    """Create a new SQLite database file readable by its owner only (it holds
    personal data), before SQLite creates it with the umask's permissions.
    SQLite gives the -wal and -shm files the database file's permissions."""
    if dialect.name != "sqlite" or cparams.get("uri"):
        return
    path = cargs[0] if cargs else cparams.get("database")
    if not isinstance(path, str) or path in ("", ":memory:") or os.path.exists(path):
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:  # another process made it first
        pass
    except FileNotFoundError:  # no such folder: SQLite gives its own error
        pass


def _insert_on_conflict(connection):
    """The dialect's INSERT with ON CONFLICT (SQLite and PostgreSQL), else None."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
        return insert
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
        return insert
    return None


def insert_ignoring_duplicates(connection, model, rows: list[dict], keys: list[str]) -> None:
    """INSERT rows on `connection`; a row whose `keys` exist already is left alone.

    Dialect switch: SQLite and PostgreSQL both have INSERT ... ON CONFLICT DO
    NOTHING; any other database gets a plain INSERT of the rows not found.
    """
    if not rows:
        return
    dialect_insert = _insert_on_conflict(connection)
    if dialect_insert is not None:
        stmt = dialect_insert(model).on_conflict_do_nothing(index_elements=keys)
        for i in range(0, len(rows), 5000):
            connection.execute(stmt, rows[i:i + 5000])
        return
    from sqlalchemy import insert, select, tuple_
    columns = [getattr(model, key) for key in keys]
    wanted = {tuple(row[key] for key in keys): row for row in rows}
    found = set(connection.execute(select(*columns).where(tuple_(*columns).in_(list(wanted)))))
    fresh = [row for key, row in wanted.items() if key not in found]
    if fresh:
        connection.execute(insert(model), fresh)


def upsert_unless_newer(connection, model, rows: list[dict], keys: list[str], stamp: str) -> None:
    """INSERT rows on `connection`; a row whose `keys` exist already is
    updated, unless it holds a newer `stamp` (so of two writers racing, the
    later figures win whatever order they commit in, and neither fails).

    Dialect switch: SQLite and PostgreSQL both have INSERT ... ON CONFLICT DO
    UPDATE ... WHERE; any other database gets an UPDATE, then an INSERT of a
    row that was not there (a duplicate from a racing writer is ignored).
    """
    if not rows:
        return
    from sqlalchemy import and_, insert, select, update
    from sqlalchemy.exc import IntegrityError

    dialect_insert = _insert_on_conflict(connection)
    if dialect_insert is not None:
        stmt = dialect_insert(model)
        stmt = stmt.on_conflict_do_update(
            index_elements=keys, set_={name: stmt.excluded[name] for name in rows[0] if name not in keys},
            where=getattr(model, stamp) <= stmt.excluded[stamp])
        connection.execute(stmt, rows)
        return
    for row in rows:
        same = and_(*(getattr(model, key) == row[key] for key in keys))
        connection.execute(update(model).where(same, getattr(model, stamp) <= row[stamp])
                           .values({k: v for k, v in row.items() if k not in keys}))
        if connection.execute(select(getattr(model, keys[0])).where(same)).first() is None:
            try:
                with connection.begin_nested():
                    connection.execute(insert(model), [row])
            except IntegrityError:
                pass
