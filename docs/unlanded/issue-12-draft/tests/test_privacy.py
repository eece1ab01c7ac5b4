"""The learner's data: one JSON download, and deleting the account (web and
command line) leaving nothing personal in the database."""
import json
import os
import stat
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import create_engine, inspect, select, text

from course.extensions import db
from course.models import (AuditEvent, ModuleCompletion, ModuleFeedback, QuizAnswer, QuizAttempt, ReminderDelivery,
                           User)
from tests.conftest import PASSWORD

LESSON = "/en/modules/external-customers/delivering-excellent-service"


@pytest.fixture
def ada(app, client, make_user, auth):
    """A learner with something in every kind of data, signed in."""
    uid = make_user(email="ada.lovelace@example.com", name="Ada Lovelace")
    auth.login("ada.lovelace@example.com")
    client.post(f"{LESSON}/notes", json={"text": "My secret note about Charles"})
    client.post(f"{LESSON}/reflections/face-to-face", json={"answers": {"situation": "A shop in Marylebone"}})
    with app.app_context():
        attempt = QuizAttempt(user_id=uid, module_id="external-customers", quiz_id="john-lewis", lang="en",
                              submission_token="t1", score=50.0, correct_count=1, question_count=2, passed=False)
        attempt.answers = [QuizAnswer(question_id="q1", response='["a"]', correct=True),
                           QuizAnswer(question_id="q2", response='"my own words"', correct=False)]
        at = datetime(2026, 3, 1, 10, tzinfo=timezone.utc)
        db.session.add_all([
            attempt,
            ModuleFeedback(user_id=uid, module_id="external-customers", lang="en", rating=4,
                           comment="Lovelace liked it"),
            ModuleCompletion(user_id=uid, module_id="external-customers", completed_at=at),
            ReminderDelivery(user_id=uid, local_date=date(2026, 3, 2), due_at=at, status="sent", sent_at=at),
        ])
        db.session.commit()
    return uid


def test_the_download_holds_everything_about_the_learner(client, ada, make_user):
    other = make_user(email="bob@example.com", name="Bob")
    response = client.get("/en/my/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="my-aula-data.json"'
    assert response.headers["Cache-Control"] == "private, no-store"
    doc = response.json
    assert doc["format"] == "aula-personal-data/1"
    assert doc["account"]["email"] == "ada.lovelace@example.com"
    assert doc["account"]["name"] == "Ada Lovelace"
    assert "password_hash" not in doc["account"] and "session_version" not in doc["account"]
    assert [n["text"] for n in doc["notes"]] == ["My secret note about Charles"]
    assert [(r["prompt_id"], r["text"]) for r in doc["reflections"]] == [("situation", "A shop in Marylebone")]
    [attempt] = doc["quiz_attempts"]
    assert [(a["question_id"], a["response"], a["correct"]) for a in attempt["answers"]] == [
        ("q1", ["a"], True), ("q2", "my own words", False)]
    assert [(f["rating"], f["comment"]) for f in doc["feedback"]] == [(4, "Lovelace liked it")]
    assert [m["completed_at"] for m in doc["progress"]["modules"]] == ["2026-03-01T10:00:00+00:00"]
    assert [lesson["lesson_id"] for lesson in doc["progress"]["lessons"]] == ["delivering-excellent-service"]
    assert len(doc["reminders"]["schedule"]) == 7
    assert [d["status"] for d in doc["reminders"]["deliveries"]] == ["sent"]
    assert "bob@example.com" not in response.get_data(as_text=True)
    assert other != ada


def test_the_download_needs_a_sign_in(client):
    response = client.get("/en/my/data.json")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/en/login")


def test_the_profile_offers_download_and_deletion_in_every_language(client, ada):
    page = client.get("/es/profile").get_data(as_text=True)
    assert 'href="/es/my/data.json"' in page
    assert 'action="/es/profile/delete"' in page
    assert "Descargar mis datos" in page
    assert "Eliminar mi cuenta" in page


def test_a_wrong_password_deletes_nothing(client, app, ada):
    response = client.post("/en/profile/delete", data={"password": "not my password"})
    assert response.status_code == 422
    assert "Your password is not right." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, ada).email == "ada.lovelace@example.com"


def personal_strings_in(db_path) -> list[str]:
    """Every text value of every table that mentions Ada, her address or her words."""
    engine = create_engine(f"sqlite:///{db_path}")
    found = []
    needles = ("ada", "lovelace", "charles", "marylebone")
    try:
        with engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            for table in inspect(engine).get_table_names():
                for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                    found += [f"{table}: {v}" for v in row if isinstance(v, str) and any(n in v.lower() for n in needles)]
    finally:
        engine.dispose()
    return found


def test_deleting_the_account_leaves_nothing_personal(client, app, ada, db_path, auth):
    assert personal_strings_in(db_path)  # the check finds them while the account exists
    response = client.post("/en/profile/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/"
    assert "Your account has been deleted" in client.get("/en/").get_data(as_text=True)
    assert personal_strings_in(db_path) == []
    raw = db_path.read_bytes()
    assert b"ada.lovelace@example.com" not in raw and b"My secret note" not in raw
    assert auth.login("ada.lovelace@example.com").status_code == 422
    with app.app_context():
        user = db.session.get(User, ada)
        assert user.deleted_at is not None and not user.active and user.name == ""
        # What remains for statistics, no longer linked to a person.
        assert db.session.scalar(select(QuizAttempt.score).where(QuizAttempt.user_id == ada)) == 50.0
        assert db.session.scalar(select(ModuleCompletion.completed_at).where(ModuleCompletion.user_id == ada))
        assert db.session.scalar(select(ModuleFeedback.rating).where(ModuleFeedback.user_id == ada)) == 4
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account_deleted")).all()
        assert json.loads(event.details) == {"by": "self", "user_id": ada}


def test_the_export_and_the_admin_pages_no_longer_show_the_address(client, app, ada, make_user, auth):
    client.post("/en/profile/delete", data={"password": PASSWORD})
    make_user(email="boss@example.com", role="admin")
    auth.login("boss@example.com")
    export = client.get("/en/admin/export?format=csv").get_data(as_text=True)
    assert "lovelace" not in export.lower()
    assert f"/en/admin/learners/{ada}" not in client.get("/en/admin/learners").get_data(as_text=True)


def test_the_cli_exports_to_a_private_file_and_to_standard_output(runner, ada, tmp_path):
    result = runner.invoke(args=["users", "export", "ada.lovelace@example.com"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["account"]["name"] == "Ada Lovelace"
    target = tmp_path / "ada.json"
    result = runner.invoke(args=["users", "export", "ada.lovelace@example.com", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["notes"][0]["text"] == "My secret note about Charles"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_the_cli_deletes_only_with_yes_and_audits_it(runner, app, ada, db_path):
    result = runner.invoke(args=["users", "delete", "ada.lovelace@example.com"])
    assert result.exit_code == 2
    assert "--yes" in result.output
    result = runner.invoke(args=["users", "delete", "ada.lovelace@example.com", "--yes"])
    assert result.exit_code == 0, result.output
    assert personal_strings_in(db_path) == []
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account_deleted")).all()
        details = json.loads(event.details)
        assert details["by"] == "cli" and details["user_id"] == ada
    result = runner.invoke(args=["users", "export", "ada.lovelace@example.com"])
    assert result.exit_code == 1
    assert "no account has the address" in result.output
