"""The schema comes from the Alembic migrations, and they match the models."""
from sqlalchemy import create_engine, inspect

from course import create_app
from tests.conftest import TEST_SECRET


def test_upgrade_a_new_file_then_models_and_migrations_agree(tmp_path):
    path = tmp_path / "fresh.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": TEST_SECRET})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    tables = set(inspect(create_engine(f"sqlite:///{path}")).get_table_names())
    assert {"users", "lesson_progress", "quiz_attempts", "reminder_deliveries", "audit_log"} <= tables


def test_every_migration_has_a_working_downgrade(tmp_path):
    path = tmp_path / "roundtrip.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": TEST_SECRET})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    assert set(inspect(create_engine(f"sqlite:///{path}")).get_table_names()) <= {"alembic_version"}
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0


def test_the_app_never_creates_the_schema_itself(tmp_path):
    path = tmp_path / "untouched.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": TEST_SECRET})
    app.test_client().get("/en/")
    assert "users" not in inspect(create_engine(f"sqlite:///{path}")).get_table_names()


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(app):
    from sqlalchemy import text

    from course.extensions import db

    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_module_feedback_duplicates_become_the_latest_one(tmp_path):
    """Migration 0003 keeps each learner's latest feedback per module, then
    makes the database refuse a second one."""
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    path = tmp_path / "feedback.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": TEST_SECRET})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0002"]).exit_code == 0
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, email, name, password_hash, role, lang, timezone, active, created_at)"
                          " VALUES (1, 'a@example.com', 'A', 'x', 'learner', 'en', 'UTC', 1, '2026-11-01 08:00:00')"))
        conn.execute(text("INSERT INTO module_feedback (id, user_id, module_id, lang, rating, comment, created_at) VALUES"
                          " (1, 1, 'm1', 'en', 2, 'old', '2026-11-02 08:00:00'),"
                          " (2, 1, 'm1', 'en', 5, 'latest', '2026-11-03 08:00:00'),"
                          " (3, 1, 'm2', 'en', 3, 'other module', '2026-11-02 08:00:00')"))
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT module_id, comment FROM module_feedback ORDER BY module_id")).all()
    assert [tuple(r) for r in rows] == [("m1", "latest"), ("m2", "other module")]
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("INSERT INTO module_feedback (user_id, module_id, lang, rating, comment, created_at)"
                          " VALUES (1, 'm1', 'en', 1, 'again', '2026-11-04 08:00:00')"))
    engine.dispose()
