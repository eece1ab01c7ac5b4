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


def insert_ignoring_duplicates(connection, model, rows: list[dict], keys: list[str]) -> None:
    """INSERT rows on `connection`; a row whose `keys` exist already is left alone.

    Dialect switch: SQLite and PostgreSQL both have INSERT ... ON CONFLICT DO
    NOTHING; any other database gets a plain INSERT of the rows not found.
    """
    if not rows:
        return
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
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
