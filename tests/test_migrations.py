"""The schema comes from the Alembic migrations, and they match the models (on SQLite and on PostgreSQL)."""
import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from course import create_app
from tests.conftest import TEST_SECRET
from tests.databases import sqlite_only


@pytest.fixture
def empty_db(database_store):
    """A new, empty database (no tables) and an engine on it."""
    url = database_store.empty()
    engine = create_engine(url)
    yield url, engine
    engine.dispose()
    database_store.drop(url)


def cli(url):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET}).test_cli_runner()


def test_upgrade_a_new_database_then_models_and_migrations_agree(empty_db):
    url, engine = empty_db
    runner = cli(url)
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    tables = set(inspect(engine).get_table_names())
    assert {"users", "lesson_progress", "quiz_attempts", "reminder_deliveries", "audit_log"} <= tables


def test_every_migration_has_a_working_downgrade(empty_db):
    url, engine = empty_db
    runner = cli(url)
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "check"]).exit_code == 0


def test_the_app_never_creates_the_schema_itself(empty_db):
    url, engine = empty_db
    create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET}).test_client().get("/en/")
    assert "users" not in inspect(engine).get_table_names()


@sqlite_only
def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(app):
    from course.extensions import db

    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_module_feedback_duplicates_become_the_latest_one(empty_db):
    """Migration 0003 keeps each learner's latest feedback per module, then
    makes the database refuse a second one."""
    url, engine = empty_db
    runner = cli(url)
    assert runner.invoke(args=["db", "upgrade", "0002"]).exit_code == 0
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, email, name, password_hash, role, lang, timezone, active, created_at)"
                          " VALUES (1, 'a@example.com', 'A', 'x', 'learner', 'en', 'UTC', :yes, '2026-11-01 08:00:00')"),
                     {"yes": True})
        conn.execute(text("INSERT INTO module_feedback (id, user_id, module_id, lang, rating, comment, created_at) VALUES"
                          " (1, 1, 'm1', 'en', 2, 'old', '2026-11-02 08:00:00'),"
                          " (2, 1, 'm1', 'en', 5, 'latest', '2026-11-03 08:00:00'),"
                          " (3, 1, 'm2', 'en', 3, 'other module', '2026-11-02 08:00:00')"))
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT module_id, comment FROM module_feedback ORDER BY module_id")).all()
    assert [tuple(r) for r in rows] == [("m1", "latest"), ("m2", "other module")]
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("INSERT INTO module_feedback (id, user_id, module_id, lang, rating, comment, created_at)"
                          " VALUES (4, 1, 'm1', 'en', 1, 'again', '2026-11-04 08:00:00')"))


def test_calendar_tokens_are_kept_hashed_and_old_addresses_still_work(empty_db, tmp_path):
    """Migration 0006 replaces each stored calendar token by its SHA-256: the
    address a learner already added to a calendar app keeps working."""
    import hashlib

    url, engine = empty_db
    runner = cli(url)
    assert runner.invoke(args=["db", "upgrade", "0005"]).exit_code == 0
    token = "old-plain-token-" + "x" * 27
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, email, name, password_hash, role, lang, timezone, active, created_at,"
                          " calendar_token) VALUES (1, 'a@example.com', 'A', 'x', 'learner', 'en', 'UTC', :yes,"
                          " '2026-11-01 08:00:00', :token)"), {"yes": True, "token": token})
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with engine.begin() as conn:
        assert conn.execute(text("SELECT calendar_token, link_nonce FROM users")).one() == (
            hashlib.sha256(token.encode()).hexdigest(), "")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET, "TESTING": True,
                      "OUTBOX_DIR": str(tmp_path / "outbox")})
    response = app.test_client().get(f"/en/reminders/calendar/{token}.ics")
    assert (response.status_code, response.mimetype) == (200, "text/calendar")
    with app.app_context():
        from course.extensions import db

        db.engine.dispose()


def test_flask_db_is_flask_migrates_group_loaded_when_used(empty_db):
    """`flask db` hands over to Flask-Migrate's own group: its options, its
    commands, its errors; the app binds Flask-Migrate only then."""
    url, _engine = empty_db
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET})
    assert "migrate" not in app.extensions
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "--help"])
    assert result.exit_code == 0, result.output
    assert "Perform database migrations." in result.output
    for text in ("-x, --x-arg TEXT", "-d, --directory TEXT", "upgrade", "downgrade", "check", "current"):
        assert text in result.output
    assert app.extensions["migrate"].directory.endswith("/migrations")
    result = runner.invoke(args=["db", "no-such-command"])
    assert result.exit_code == 2 and "No such command 'no-such-command'" in result.output


def test_starting_the_app_does_not_import_alembic(tmp_path):
    """Every gunicorn worker and `flask` command starts without Flask-Migrate
    and Alembic (about 0.3 s of CPU); `flask db` loads them. Nor does it import
    what only some pages use: icalendar (the calendar feed), markdown-it (the
    first lesson shown) and email-validator (the first address checked)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = ("import app, sys; print(sorted(m for m in ('alembic', 'flask_migrate', 'icalendar', 'markdown_it', "
            "'email_validator') if m in sys.modules))")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'aula.db'}", "SECRET_KEY": TEST_SECRET}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
