"""Study days: each day with learning activity, in the learner's own time zone."""
from datetime import datetime, timezone
from unittest import mock

from sqlalchemy import create_engine, text

from course import create_app
from tests.activities.conftest import M1
from tests.conftest import TEST_SECRET


def days(database_url):
    """(user id, ISO day) of every study day, read straight from the database (SQLite or PostgreSQL)."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        found = [(uid, str(day)) for uid, day in
                 conn.execute(text("SELECT user_id, day FROM study_days ORDER BY user_id, day"))]
    engine.dispose()
    return found


def test_a_lesson_completed_late_in_the_evening_counts_for_the_learners_own_day(client, auth, make_user,
                                                                               database_url):
    uid = make_user(email="kiri@example.com", timezone="Pacific/Auckland")
    auth.login("kiri@example.com")
    moment = datetime(2026, 11, 2, 11, 30, tzinfo=timezone.utc)  # 00:30 on 3 November in Auckland
    with mock.patch("course.dashboards.activity.utcnow", return_value=moment):
        client.post(f"/en/modules/{M1}/customer-vs-consumer/complete", data={"action": "complete"})
        client.post(f"/en/modules/{M1}/service-starts-with-people/complete", data={"action": "complete"})
    assert days(database_url) == [(uid, "2026-11-03")]


def test_reading_the_course_without_an_account_records_nothing(client, database_url):
    client.get(f"/en/modules/{M1}/customer-vs-consumer")
    assert days(database_url) == []


def test_the_migration_fills_study_days_from_the_activity_kept_before(tmp_path):
    path = tmp_path / "old.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": TEST_SECRET})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0003"]).exit_code == 0
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, email, name, password_hash, role, lang, timezone, active, created_at)"
                          " VALUES (1, 'a@example.com', 'A', 'x', 'learner', 'en', 'America/New_York', 1,"
                          " '2026-10-01 00:00:00')"))
        conn.execute(text("INSERT INTO lesson_progress (user_id, module_id, lesson_id, first_opened_at,"
                          " last_opened_at, completed_at) VALUES (1, 'm', 'l', '2026-10-05 03:00:00',"
                          " '2026-10-06 15:00:00', '2026-10-06 15:00:00')"))
        conn.execute(text("INSERT INTO quiz_attempts (user_id, module_id, quiz_id, lang, submission_token, score,"
                          " correct_count, question_count, passed, submitted_at) VALUES (1, 'm', 'q', 'en', 't',"
                          " 100, 5, 5, 1, '2026-10-09 12:00:00')"))
    engine.dispose()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    # 03:00 UTC on the 5th is still the 4th in New York.
    assert days(f"sqlite:///{path}") == [(1, "2026-10-04"), (1, "2026-10-06"), (1, "2026-10-09")]
