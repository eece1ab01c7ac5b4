"""`flask data dump|load|backup`: portable archives, moving between databases, live SQLite backups."""
import gzip
import json
import sqlite3
import stat
import threading
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import Boolean, Date, Float, Integer, create_engine, insert, text

from course import create_app
from course.data.backup import backup_sqlite
from course.extensions import db
from course.models.types import UTCDateTime
from tests.conftest import TEST_SECRET
from tests.databases import ON_POSTGRES, migrate, sqlite_only

ODD_TEXT = 'Zoë "quoted", back\\slash,\nnew line, tab\t, emoji ✓ 🎓, <b>&amp;</b>'


def cli(url):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET}).test_cli_runner()


def value_for(column, n: int):
    """A value of the column's type for row n: odd text, microseconds, floats that do not round."""
    if column.foreign_keys:
        return n  # the parent table's row n (every table gets rows 1, 2, 3)
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return datetime(2026, 3, 29, 1, 59, 59, 123456 + n, tzinfo=timezone.utc)
    if isinstance(kind, Date):
        return date(2026, 10, 24 + n)
    if isinstance(kind, Boolean):
        return n % 2 == 0
    if isinstance(kind, Float):
        return 0.1 * n + 1 / 3
    if isinstance(kind, Integer):
        return n
    length = getattr(kind, "length", None) or 10_000
    return f"{n} {ODD_TEXT}"[:length]


def fill_every_table(url: str, rows_per_table: int = 3) -> None:
    """Rows in every table, every column set (one row with NULLs where a column allows it)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            rows = []
            for n in range(1, rows_per_table + 1):
                row = {column.name: value_for(column, n) for column in table.columns}
                if n == rows_per_table:
                    row.update({column.name: None for column in table.columns
                                if column.nullable and not column.primary_key})
                rows.append(row)
            conn.execute(insert(table), rows)
    engine.dispose()


@pytest.fixture
def new_db(database_store):
    """new_db(): the URL of a new, migrated, empty database (dropped after the test)."""
    made = []

    def make(store=database_store):
        url = store.empty()
        made.append((store, url))
        migrate(url)
        return url

    yield make
    for store, url in made:
        store.drop(url)


def dump(url, path):
    result = cli(url).invoke(args=["data", "dump", str(path)])
    assert result.exit_code == 0, result.output
    return result


def load(url, path):
    return cli(url).invoke(args=["data", "load", str(path)])


def test_dump_then_load_gives_the_same_archive_byte_for_byte(new_db, tmp_path):
    source, target = new_db(), new_db()
    fill_every_table(source)
    result = dump(source, tmp_path / "a.aula.gz")
    tables = len(db.metadata.sorted_tables)
    assert result.output == f"data: {3 * tables} rows written to {tmp_path / 'a.aula.gz'}\n"
    assert stat.S_IMODE((tmp_path / "a.aula.gz").stat().st_mode) == 0o600
    result = load(target, tmp_path / "a.aula.gz")
    assert result.exit_code == 0, result.output
    assert result.output == f"data: {3 * tables} rows loaded from {tmp_path / 'a.aula.gz'} into {tables} tables\n"
    dump(target, tmp_path / "b.aula.gz")
    assert (tmp_path / "a.aula.gz").read_bytes() == (tmp_path / "b.aula.gz").read_bytes()


def test_the_archive_is_gzip_json_lines_with_the_schema_revision(new_db, tmp_path):
    source = new_db()
    fill_every_table(source, rows_per_table=1)
    dump(source, tmp_path / "a.gz")
    lines = gzip.decompress((tmp_path / "a.gz").read_bytes()).decode().splitlines()
    header = json.loads(lines[0])
    head = create_engine(source)
    with head.connect() as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    head.dispose()
    assert header == {"format": "aula-data", "version": 1, "revision": revision,
                      "tables": [table.name for table in db.metadata.sorted_tables]}
    users = lines.index(next(line for line in lines if line.startswith('{"table":"users"')))
    columns = json.loads(lines[users])["columns"]
    user = dict(zip(columns, json.loads(lines[users + 1])))
    assert user["created_at"] == "2026-03-29T01:59:59.123457Z"
    assert user["active"] is False
    assert user["name"] == f"1 {ODD_TEXT}"[:len(user["name"])]


def test_after_a_load_new_rows_get_new_ids(new_db, tmp_path):
    """The id sequences continue after the loaded rows (PostgreSQL needs them reset)."""
    source, target = new_db(), new_db()
    fill_every_table(source)
    dump(source, tmp_path / "a.gz")
    assert load(target, tmp_path / "a.gz").exit_code == 0
    engine = create_engine(target)
    with engine.begin() as conn:
        new_id = conn.execute(text(
            "INSERT INTO audit_log (actor_email, action, details, created_at) "
            "VALUES ('x@example.org', 'test', '', '2026-01-01 00:00:00') RETURNING id")).scalar()
    engine.dispose()
    assert new_id == 4


def test_load_refuses_a_database_that_is_not_empty(new_db, tmp_path):
    source = new_db()
    fill_every_table(source, rows_per_table=1)
    dump(source, tmp_path / "a.gz")
    result = load(source, tmp_path / "a.gz")
    assert result.exit_code == 2
    # Every table was filled: each is named, in the order the dump writes them.
    from course.extensions import db

    tables = ", ".join(table.name for table in db.metadata.sorted_tables)
    assert f"the database is not empty (rows in {tables}): load into a new, migrated database" in result.output
    assert "load into a new, migrated database" in result.output


def test_load_refuses_an_archive_of_another_revision_and_writes_nothing(new_db, tmp_path):
    source = new_db()
    fill_every_table(source, rows_per_table=1)
    dump(source, tmp_path / "a.gz")
    lines = gzip.decompress((tmp_path / "a.gz").read_bytes()).decode().splitlines(keepends=True)
    header = json.loads(lines[0])
    header["revision"] = "0001"
    (tmp_path / "old.gz").write_bytes(gzip.compress((json.dumps(header) + "\n" + "".join(lines[1:])).encode()))
    target = new_db()
    result = load(target, tmp_path / "old.gz")
    assert result.exit_code == 2
    assert "the archive is of schema revision 0001, the database of" in result.output
    check = create_engine(target)
    with check.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM users")).scalar() == 0
    check.dispose()


def test_load_refuses_a_file_that_is_not_an_archive(new_db, tmp_path):
    (tmp_path / "notes.txt").write_text("hello\n")
    result = load(new_db(), tmp_path / "notes.txt")
    assert result.exit_code == 2
    assert "notes.txt: not an Aula data archive (Not a gzipped file" in result.output


def test_a_damaged_archive_loads_nothing(new_db, tmp_path):
    source = new_db()
    fill_every_table(source)
    dump(source, tmp_path / "a.gz")
    lines = gzip.decompress((tmp_path / "a.gz").read_bytes()).decode().splitlines(keepends=True)
    (tmp_path / "cut.gz").write_bytes(gzip.compress("".join(lines[:-2] + ["[1, 2\n"]).encode()))
    target = new_db()
    result = load(target, tmp_path / "cut.gz")
    assert result.exit_code == 2
    assert f"line {len(lines) - 1}: not JSON (the archive is damaged)" in result.output
    check = create_engine(target)
    with check.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM users")).scalar() == 0
    check.dispose()


def test_dump_of_a_database_without_schema_is_refused(database_store, tmp_path):
    url = database_store.empty()
    try:
        result = cli(url).invoke(args=["data", "dump", str(tmp_path / "x.gz")])
    finally:
        database_store.drop(url)
    assert result.exit_code == 2
    assert "the database has no schema" in result.output
    assert not (tmp_path / "x.gz").exists()


@pytest.mark.skipif(not ON_POSTGRES, reason="needs a PostgreSQL server: make test-postgres")
def test_sqlite_to_postgresql_to_sqlite_gives_the_same_dump(new_db, tmp_path):
    from tests.databases import SQLiteDatabases

    sqlite_store = SQLiteDatabases(tmp_path)
    first_sqlite = new_db(sqlite_store)
    fill_every_table(first_sqlite)
    dump(first_sqlite, tmp_path / "from-sqlite.gz")
    postgres = new_db()
    assert postgres.startswith("postgresql")
    assert load(postgres, tmp_path / "from-sqlite.gz").exit_code == 0
    engine = create_engine(postgres)
    try:
        with engine.connect() as conn:  # the load analysed the tables (reltuples -1: never analysed)
            assert conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'users'")).scalar() == 3
    finally:
        engine.dispose()
    dump(postgres, tmp_path / "from-postgres.gz")
    second_sqlite = new_db(sqlite_store)
    assert load(second_sqlite, tmp_path / "from-postgres.gz").exit_code == 0
    dump(second_sqlite, tmp_path / "back-in-sqlite.gz")
    original = (tmp_path / "from-sqlite.gz").read_bytes()
    assert (tmp_path / "from-postgres.gz").read_bytes() == original
    assert (tmp_path / "back-in-sqlite.gz").read_bytes() == original


@sqlite_only
def test_backup_is_a_consistent_copy_taken_while_writes_go_on(db_path, tmp_path):
    """A writer commits numbered rows without pause; the copy holds exactly the first k of them."""
    writer = sqlite3.connect(db_path, timeout=30, check_same_thread=False)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.executemany("INSERT INTO audit_log (actor_email, action, details, created_at) VALUES (?, 'seed', ?, ?)",
                       [("seed@example.org", "x" * 500, "2026-01-01 00:00:00")] * 5000)
    writer.commit()
    stop = threading.Event()
    errors = []
    written = [0]

    def write():
        try:
            while not stop.is_set():
                written[0] += 1
                writer.execute("INSERT INTO audit_log (actor_email, action, details, created_at) "
                               "VALUES ('w@example.org', 'write', ?, '2026-01-01 00:00:00')", (str(written[0]),))
                writer.commit()
        except sqlite3.Error as exc:
            errors.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        for n in range(3):
            backup_sqlite(str(db_path), tmp_path / f"copy{n}.sqlite3")
    finally:
        stop.set()
        thread.join()
        writer.close()
    assert errors == []
    for n in range(3):
        copy = sqlite3.connect(tmp_path / f"copy{n}.sqlite3")
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        numbers = [int(d) for (d,) in copy.execute("SELECT details FROM audit_log WHERE action = 'write' ORDER BY id")]
        assert numbers == list(range(1, len(numbers) + 1))
        assert copy.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'seed'").fetchone() == (5000,)
        copy.close()


@sqlite_only
def test_backup_command_writes_a_private_copy_and_refuses_a_folder(app, runner, make_user, tmp_path):
    make_user(email="kept@example.com")
    result = runner.invoke(args=["data", "backup", str(tmp_path / "b.sqlite3")])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "b.sqlite3").stat().st_mode) == 0o600
    copy = sqlite3.connect(tmp_path / "b.sqlite3")
    assert copy.execute("SELECT email FROM users").fetchall() == [("kept@example.com",)]
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    copy.close()
    result = runner.invoke(args=["data", "backup", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a directory" in result.output


@pytest.mark.skipif(not ON_POSTGRES, reason="needs a PostgreSQL server: make test-postgres")
def test_backup_on_postgresql_points_to_pg_dump(runner, tmp_path):
    result = runner.invoke(args=["data", "backup", str(tmp_path / "b")])
    assert result.exit_code == 2
    assert "for PostgreSQL use pg_dump" in result.output
