"""Registration tells nobody whether an address has an account: the same
"check your email" page in both cases, the same work (one password hash),
the email sent after the page in both; a new account is signed in by its
confirmation link, the owner of an existing one is told someone tried."""
import email
import re
from email import policy
from pathlib import Path

import argon2
import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import User

FORM = {"name": "Ola Nowak", "password": "long enough password", "lang": "pl", "timezone": "Europe/Warsaw"}


def outbox(app) -> list:
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))]


def register(client, address, lang="pl", **fields):
    """Post the form and read the whole answer (its after-response work then runs, as on a server)."""
    return client.post(f"/{lang}/register", data={**FORM, "email": address, **fields}, buffered=True)


def test_a_new_address_gets_the_neutral_page_and_a_link_that_signs_in(client, app):
    response = register(client, "Ola@Example.com")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Sprawdź pocztę</h1>" in page
    assert "Wysłaliśmy wiadomość na adres ola@example.com. Otwórz zawarty w niej link, aby kontynuować." in page
    assert "Wyloguj" not in client.get("/pl/").get_data(as_text=True)  # not signed in yet
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.email, user.name, user.lang, user.timezone, user.email_confirmed_at) == (
            "ola@example.com", "Ola Nowak", "pl", "Europe/Warsaw", None)
    [message] = outbox(app)
    assert (message["To"], message["Content-Language"]) == ("Ola Nowak <ola@example.com>", "pl")
    link = re.search(r"http://aula\.test(/pl/(?:reminders/)?confirm/\S+)",  # (confirmation may move to auth)
                     message.get_body(("plain",)).get_content())[1]
    response = client.get(link)
    assert (response.status_code, response.headers["Location"]) == (302, "/pl/")
    home = client.get("/pl/").get_data(as_text=True)
    assert "Witaj, Ola Nowak! Twój adres e-mail jest potwierdzony, a konto gotowe." in home
    assert "Wyloguj" in home
    with app.app_context():
        assert db.session.scalar(select(User)).email_confirmed_at is not None
    # The link signs in once: opened again, elsewhere, it only says the address is confirmed.
    other = app.test_client()
    response = other.get(link)
    assert response.status_code == 200
    assert "Wyloguj" not in other.get("/pl/").get_data(as_text=True)


def test_an_existing_address_gets_the_same_page_and_its_owner_an_email(client, app, make_user, db_rows):
    uid = make_user(email="ola@example.com", name="Ola Kowalska", lang="es")
    with app.app_context():
        before = db.session.get(User, uid).password_hash
    new = register(client, "new.person@example.com").get_data(as_text=True)
    response = register(client, "OLA@example.com")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == new.replace("new.person@example.com", "ola@example.com")
    assert db_rows("SELECT count(*) FROM users") == 2  # the new person; nothing new for Ola
    with app.app_context():
        assert db.session.get(User, uid).password_hash == before  # nothing changed
    [attempt] = [m for m in outbox(app) if m["To"] == "Ola Kowalska <ola@example.com>"]
    assert attempt["Subject"] == "Alguien ha intentado crear una cuenta de Aula con tu dirección"
    text = attempt.get_body(("plain",)).get_content()
    assert "http://aula.test/es/login" in text
    assert "http://aula.test/es/password/forgot" in text
    assert "Wyloguj" not in client.get("/pl/").get_data(as_text=True)


def test_both_branches_answer_alike_and_hash_the_password_once(client, app, make_user, monkeypatch):
    make_user(email="taken@example.com")
    hashes = []
    real = argon2.PasswordHasher.hash
    monkeypatch.setattr(argon2.PasswordHasher, "hash", lambda self, password, **kw: hashes.append(password) or
                        real(self, password, **kw))
    answers = []
    for address in ("taken@example.com", "free@example.com"):
        hashes.clear()
        sent_before = len(outbox(app))
        response = client.post("/pl/register", data={**FORM, "email": address})  # not read yet: nothing sent
        assert len(outbox(app)) == sent_before
        response.close()
        assert len(outbox(app)) == sent_before + 1  # sent once the answer was out
        assert hashes == [FORM["password"]]
        answers.append((response.status_code, sorted(response.headers.keys()), response.headers.get("Set-Cookie")))
    assert answers[0] == answers[1]


def test_registration_emails_are_limited_per_address_and_day(client, app, make_user):
    make_user(email="taken@example.com")
    for _ in range(7):
        assert register(client, "taken@example.com").status_code == 200
    assert len([m for m in outbox(app) if m["To"].addresses[0].addr_spec == "taken@example.com"]) == 5


def test_the_rules_still_explain_a_bad_password_for_an_existing_address(client, make_user):
    make_user(email="taken@example.com")
    response = register(client, "taken@example.com", lang="en", password="short")
    assert response.status_code == 422
    assert "Use at least 8 characters for your password." in response.get_data(as_text=True)


@pytest.mark.parametrize("address, emails", [("unknown@example.com", 0), ("ada@example.com", 1)])
def test_forgot_password_sends_after_the_answer(client, app, make_user, address, emails):
    make_user(email="ada@example.com")
    response = client.post("/en/password/forgot", data={"email": address})
    page = response.get_data(as_text=True)
    assert "If an account uses" in page
    assert outbox(app) == []  # the page is out before any mail server is asked
    response.close()
    assert len(outbox(app)) == emails


def test_signing_in_with_the_password_works_before_the_link(client, app):
    register(client, "ola@example.com")
    response = client.post("/pl/login", data={"email": "ola@example.com", "password": FORM["password"]})
    assert (response.status_code, response.headers["Location"]) == (302, "/pl/")
