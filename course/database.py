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
