"""The tests' databases: SQLite files by default, PostgreSQL when TEST_DATABASE_URL names a server.

`make test-postgres` starts a throw-away server (scripts/pg_cluster.py) and
sets TEST_DATABASE_URL to its `postgres` database; the whole suite then runs
against PostgreSQL. Either way the migrations build a template database once
per session (per xdist worker), and every test gets a fresh copy of it: a file
copy for SQLite, `CREATE DATABASE ... TEMPLATE` for PostgreSQL.
"""
import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
DIALECT = "postgresql" if ON_POSTGRES else "sqlite"

sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="about SQLite itself (the suite runs on PostgreSQL)")


def migrate(url: str, revision: str = "head") -> None:
    """`flask db upgrade` on the database at `url`."""
    from flask_migrate import upgrade

    from course import create_app
    from course.extensions import db
    from course.migrations_cli import init_migrations

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "migrate-" + "x" * 32, "TESTING": True})
    init_migrations(app)
    with app.app_context():
        upgrade(revision=revision)
        db.engine.dispose()


class SQLiteDatabases:
    def __init__(self, folder: Path):
        self.folder = folder

    def fresh(self, template: str) -> str:
        return self.clone(template)

    def release(self, url: str) -> None:
        self.drop(url)

    def empty(self) -> str:
        return f"sqlite:///{self.folder / (uuid.uuid4().hex + '.sqlite3')}"

    def clone(self, template: str) -> str:
        url = self.empty()
        shutil.copy(make_url(template).database, make_url(url).database)
        return url

    def drop(self, url: str) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(make_url(url).database + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        pass


class PostgresDatabases:
    """Databases on the server of TEST_DATABASE_URL, created and dropped by name.

    A test's fresh database is not a new database each time (CREATE and DROP
    DATABASE write a whole database to the WAL and checkpoint): one copy of
    the template per session is emptied after each test instead, its id
    sequences restarted, so each test sees what a new copy would hold.
    """

    def __init__(self, folder: Path):
        self.admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        self.reusable: str | None = None

    def fresh(self, template: str) -> str:
        if self.reusable is None:
            self.reusable = self.clone(template)
        return self.reusable

    def release(self, url: str) -> None:
        from course.extensions import db

        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                # Connections the test's apps left in their pools (pool_pre_ping reconnects them).
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
                conn.execute(text("SET LOCAL lock_timeout = '20s'"))
                names = ", ".join(table.name for table in db.metadata.sorted_tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        finally:
            engine.dispose()

    def _create(self, sql: str) -> str:
        name = "aula_" + uuid.uuid4().hex[:16]
        with self.admin.connect() as conn:
            conn.execute(text(sql.format(name=name)))
        return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)

    def empty(self) -> str:
        return self._create("CREATE DATABASE {name}")

    def clone(self, template: str) -> str:
        return self._create(f"CREATE DATABASE {{name}} TEMPLATE {make_url(template).database}")

    def drop(self, url: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)"))

    def close(self) -> None:
        self.admin.dispose()


def databases(folder: Path):
    return PostgresDatabases(folder) if ON_POSTGRES else SQLiteDatabases(folder)
