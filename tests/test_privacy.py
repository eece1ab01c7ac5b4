"""The learner's data: one JSON download, and deleting the account (web and
command line) leaving nothing personal in the database."""
import json
import os
import re
import stat
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import create_engine, inspect, select, text

from course.extensions import db
from course.models import AuditEvent, Certificate, QuizAnswer, QuizAttempt, ReminderDelivery, User
from course.privacy import data
from tests.activities.conftest import SELF_CHECK, right_answers, token_from
from tests.conftest import PASSWORD

M1 = "external-customers"
LESSON = f"/en/modules/{M1}/delivering-excellent-service"
#: Words only Ada's account holds: her name, her address, what she wrote (none of them could be
#: part of a random hex token, as "ada" could).
NEEDLES = ("lovelace", "charles", "marylebone", "babbage", "analytical")


@pytest.fixture
def ada(app, client, make_user, auth):
    """A learner with something in every kind of data, signed in."""
    uid = make_user(email="ada.lovelace@example.com", name="Ada Lovelace")
    auth.login("ada.lovelace@example.com")
    assert client.post(f"{LESSON}/notes", json={"text": "My secret note about Charles"}).status_code == 200
    assert client.post(f"{LESSON}/reflections/face-to-face",
                       json={"answers": {"situation": "A shop in Marylebone"}}).status_code == 200
    assert client.post(f"/en/modules/{M1}/feedback",
                       data={"rating": "4", "comment": "Lovelace liked it"}).status_code == 302
    with app.app_context():
        from course.content import get_content

        self_check = get_content().course("en").quiz(SELF_CHECK)[0]
    answers = right_answers(self_check)
    text_q = next(q for q in self_check.questions if q.type == "text")
    answers[f"q-{text_q.id}"] = "Babbage's Analytical Engine would know"
    url = f"/en/quizzes/{SELF_CHECK}"
    token = token_from(client.get(url).get_data(as_text=True))
    assert client.post(url, data={**answers, "submission_token": token}).status_code == 302
    with app.app_context():
        at = datetime(2026, 3, 1, 10, tzinfo=timezone.utc)
        db.session.add_all([
            ReminderDelivery(user_id=uid, local_date=date(2026, 3, 2), due_at=at, status="sent", sent_at=at),
            Certificate(public_id="ADACERTIFICATE0000001", user_id=uid, course_id="customer-service",
                        name="Ada Lovelace", lang="en", scores="{}", minutes=90, completed_at=at, issued_at=at),
        ])
        db.session.commit()
    return uid


def test_the_download_holds_everything_about_the_learner(client, ada, make_user):
    make_user(email="bob@example.com", name="Bob Other")
    response = client.get("/en/my/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert re.fullmatch(r'attachment; filename="aula-my-data-\d{4}-\d{2}-\d{2}\.json"',
                        response.headers["Content-Disposition"])
    assert response.headers["Cache-Control"] == "private, no-store"
    doc = response.json
    assert doc["format"] == "aula-personal-data/1"
    assert set(doc) == {"format", "exported_at", "account", "progress", "reflections", "notes", "quiz_attempts",
                        "feedback", "reminders", "certificates", "study_days", "learning_records", "audit"}
    account = doc["account"]
    assert set(account) == {"id", "email", "name", "role", "lang", "timezone", "active", "created_at",
                            "email_confirmed_at", "reminders_unsubscribed_at", "course_completed_at",
                            "calendar_feed"}
    assert (account["id"], account["email"], account["name"]) == (ada, "ada.lovelace@example.com", "Ada Lovelace")
    assert [n["text"] for n in doc["notes"]] == ["My secret note about Charles"]
    assert [(r["exercise_id"], r["prompt_id"], r["text"]) for r in doc["reflections"]] == [
        ("face-to-face", "situation", "A shop in Marylebone")]
    [attempt] = doc["quiz_attempts"]
    assert attempt["quiz_id"] == SELF_CHECK and "submission_token" not in attempt
    responses = [a["response"] for a in attempt["answers"]]
    assert "Babbage's Analytical Engine would know" in responses
    assert any(isinstance(r, list) for r in responses)  # the chosen options, as a list of ids
    assert [(f["module_id"], f["rating"], f["comment"]) for f in doc["feedback"]] == [(M1, 4, "Lovelace liked it")]
    # The lesson that holds the self-check quiz (completed by it); no lesson page was opened.
    assert [(p["lesson_id"], p["completed_at"] is not None) for p in doc["progress"]["lessons"]] == [
        ("customer-needs-key-points", True)]
    assert [(s["weekday"], s["enabled"], s["minute"]) for s in doc["reminders"]["schedule"]] == [
        (0, True, 420), (1, True, 420), (2, True, 420), (3, True, 420), (4, True, 420), (5, False, 420),
        (6, False, 420)]
    assert [(d["local_date"], d["status"]) for d in doc["reminders"]["deliveries"]] == [("2026-03-02", "sent")]
    assert [(c["public_id"], c["name"]) for c in doc["certificates"]] == [("ADACERTIFICATE0000001", "Ada Lovelace")]
    body = response.get_data(as_text=True)
    assert "bob@example.com" not in body and "Bob Other" not in body
    assert "password_hash" not in body and "$argon2" not in body


def an_admin_changes_adas_role_twice(client, ada, make_user, auth) -> None:
    """Two audit entries about Ada (her address in them); she is signed in again after."""
    make_user(email="boss@example.com", role="admin", name="Boss")
    auth.logout()
    auth.login("boss@example.com")
    client.post(f"/en/admin/learners/{ada}/role", data={"role": "instructor"})
    client.post(f"/en/admin/learners/{ada}/role", data={"role": "learner"})
    auth.logout()
    auth.login("ada.lovelace@example.com")


def test_the_download_lists_the_audit_entries_about_the_learner(client, app, ada, make_user, auth):
    client.get(f"{LESSON}")
    an_admin_changes_adas_role_twice(client, ada, make_user, auth)
    doc = client.get("/en/my/data.json").json
    assert [(e["action"], e["by_you"], e["details"]["from"], e["details"]["to"]) for e in doc["audit"]] == [
        ("role_change", False, "learner", "instructor"), ("role_change", False, "instructor", "learner")]
    assert [lesson["lesson_id"] for lesson in doc["progress"]["lessons"]] == [
        "customer-needs-key-points", "delivering-excellent-service"]


def test_the_download_and_the_delete_page_need_a_sign_in(client):
    for url in ("/en/my/data.json", "/en/profile/delete"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/en/login?next=")
    assert client.post("/en/profile/delete", data={"password": PASSWORD, "understood": "y"}).status_code == 302


@pytest.mark.parametrize("lang, download, delete", [
    ("it", "Scarica i miei dati", "Elimina il mio account"),
    ("es", "Descargar mis datos", "Eliminar mi cuenta"),
    ("pl", "Pobierz moje dane", "Usuń moje konto"),
    ("en", "Download my data", "Delete my account"),
])
def test_the_profile_offers_download_and_deletion_in_every_language(client, ada, lang, download, delete):
    page = client.get(f"/{lang}/profile").get_data(as_text=True)
    assert f'href="/{lang}/my/data.json" download>{download}</a>' in page
    assert f'href="/{lang}/profile/delete">{delete}…</a>' in page
    confirm = client.get(f"/{lang}/profile/delete").get_data(as_text=True)
    assert f'action="/{lang}/profile/delete"' in confirm
    assert f'<button type="submit" class="button danger">{delete}</button>' in confirm


def test_a_wrong_password_or_no_confirmation_deletes_nothing(client, app, ada):
    response = client.post("/en/profile/delete", data={"password": "not my password", "understood": "y"})
    assert response.status_code == 422
    assert "This is not your password." in response.get_data(as_text=True)
    response = client.post("/es/profile/delete", data={"password": PASSWORD})
    assert response.status_code == 422
    assert "Marca la casilla para confirmar que quieres eliminar tu cuenta." in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, ada)
        assert (user.email, user.deleted_at) == ("ada.lovelace@example.com", None)


def test_wrong_passwords_on_the_delete_page_count_as_failed_sign_ins(client, app, ada):
    for _ in range(5):
        assert client.post("/en/profile/delete", data={"password": "guess", "understood": "y"}).status_code == 422
    response = client.post("/en/profile/delete", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many wrong passwords. Please wait 15 minutes before you try again." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, ada).deleted_at is None


def personal_strings_in(database) -> list[str]:
    """Every text value of every table that mentions Ada, her address or her words."""
    engine = create_engine(f"sqlite:///{database}" if "://" not in str(database) else str(database))
    found = []
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            for table in inspect(engine).get_table_names():
                for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                    found += [f"{table}: {v}" for v in row
                              if isinstance(v, str) and any(n in v.lower() for n in NEEDLES)]
    finally:
        engine.dispose()
    return found


def test_deleting_the_account_leaves_nothing_personal(client, app, ada, db_path, auth):
    before = personal_strings_in(db_path)
    assert {s.split(":")[0] for s in before} == {
        "users", "notes", "reflection_answers", "module_feedback", "quiz_answers", "certificates"}
    response = client.post("/en/profile/delete", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/"
    home = client.get("/en/").get_data(as_text=True)
    assert "Your account has been deleted, and everything you wrote with it." in home
    assert 'action="/en/logout"' not in home  # signed out
    assert personal_strings_in(db_path) == []
    if isinstance(db_path, os.PathLike):
        raw = db_path.read_bytes()
        assert b"ada.lovelace@example.com" not in raw and b"My secret note" not in raw
    assert auth.login("ada.lovelace@example.com").status_code == 422
    with app.app_context():
        user = db.session.get(User, ada)
        assert (user.name, user.active, user.calendar_token) == ("", False, None)
        assert user.deleted_at is not None and user.email.endswith("@deleted.invalid")
        # What remains for statistics, no longer linked to a person.
        attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == ada))
        assert (attempt.correct_count, attempt.question_count) == (5, 6)  # the text answer was not right
        responses = [json.loads(a.response) for a in attempt.answers]
        assert "" in responses and any(isinstance(r, list) and r for r in responses)
        assert db.session.scalar(select(Certificate).where(Certificate.user_id == ada)) is None
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account_deleted")).all()
        assert (event.actor_id, event.actor_email, json.loads(event.details)) == (
            None, "", {"source": "self", "user_id": ada})


def test_another_session_of_the_account_ends(app, ada, client):
    other = app.test_client()
    other.post("/en/login", data={"email": "ada.lovelace@example.com", "password": PASSWORD})
    assert other.get("/en/profile").status_code == 200
    client.post("/en/profile/delete", data={"password": PASSWORD, "understood": "y"})
    assert other.get("/en/profile").status_code == 302


def test_the_exports_and_the_admin_pages_no_longer_show_the_address(client, app, ada, make_user, auth):
    an_admin_changes_adas_role_twice(client, ada, make_user, auth)
    client.post("/en/profile/delete", data={"password": PASSWORD, "understood": "y"})
    auth.login("boss@example.com")
    export = client.get("/en/admin/export?format=csv").get_data(as_text=True)
    assert "lovelace" not in export.lower()
    rows = [line.split(",") for line in export.splitlines()[1:]]
    assert {(r[0], r[1], r[2]) for r in rows} == {(str(ada), "", "")}  # the statistics stay, without a name
    assert f"/en/admin/learners/{ada}" not in client.get("/en/admin/learners").get_data(as_text=True)
    assert client.get(f"/en/admin/learners/{ada}").status_code == 404
    audit_page = client.get("/en/admin/audit").get_data(as_text=True)
    assert "lovelace" not in audit_page.lower()
    assert "<td>The account's owner</td>" in audit_page
    assert f"deleted account {ada}" in audit_page
    assert "Account deleted" in audit_page


def test_the_only_administrator_cannot_delete_their_account(client, app, make_user, auth):
    uid = make_user(email="boss@example.com", role="admin", name="Boss")
    auth.login("boss@example.com")
    response = client.post("/en/profile/delete", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code == 200
    assert "You are the only administrator." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, uid).deleted_at is None
    make_user(email="second@example.com", role="admin", name="Second")
    assert client.post("/en/profile/delete", data={"password": PASSWORD, "understood": "y"}).status_code == 302
    with app.app_context():
        assert db.session.get(User, uid).deleted_at is not None


def test_every_table_with_a_user_id_is_known_to_the_privacy_area(app):
    with app.app_context():
        tables = {t.name for t in db.metadata.sorted_tables if "user_id" in t.c}
    assert tables == set(data.USER_TABLES)


def test_the_cli_exports_to_a_private_file_and_to_standard_output(runner, app, ada, tmp_path):
    result = runner.invoke(args=["users", "export", "Ada.Lovelace@example.com"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["account"]["name"] == "Ada Lovelace"
    target = tmp_path / "ada.json"
    result = runner.invoke(args=["users", "export", "ada.lovelace@example.com", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote the data of ada.lovelace@example.com to {target}.\n"
    assert json.loads(target.read_text())["notes"][0]["text"] == "My secret note about Charles"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "personal_data_export")).all()
        assert [(json.loads(e.details)["user_id"], json.loads(e.details)["source"]) for e in events] == [
            (ada, "cli"), (ada, "cli")]


def test_the_cli_deletes_only_with_yes_and_audits_it(runner, app, ada, db_path):
    result = runner.invoke(args=["users", "delete", "ada.lovelace@example.com"])
    assert result.exit_code == 2
    assert "cannot be undone: add --yes to confirm" in result.output
    result = runner.invoke(args=["users", "delete", "ada.lovelace@example.com", "--yes"])
    assert result.exit_code == 0, result.output
    assert result.output == (f"Deleted the account {ada}: its name, address and writing are erased; "
                             "statistics are kept without a name.\n")
    assert personal_strings_in(db_path) == []
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account_deleted")).all()
        details = json.loads(event.details)
        assert (details["source"], details["user_id"]) == ("cli", ada)


@pytest.mark.parametrize("command", [["export"], ["delete", "--yes"]])
@pytest.mark.parametrize("email", ["nobody@example.com", "not an address"])
def test_the_cli_names_an_unknown_address(runner, ada, command, email):
    result = runner.invoke(args=["users", command[0], email, *command[1:]])
    assert result.exit_code == 2
    assert result.output == f"Error: no account has the address {email!r}\n"


def test_a_deleted_account_is_unknown_to_the_cli(runner, ada):
    runner.invoke(args=["users", "delete", "ada.lovelace@example.com", "--yes"])
    result = runner.invoke(args=["users", "export", "ada.lovelace@example.com"])
    assert result.exit_code == 2
    assert result.output == "Error: no account has the address 'ada.lovelace@example.com'\n"
