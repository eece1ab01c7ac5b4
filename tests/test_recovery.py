"""Forgot password: the neutral answer, the emailed link (one hour, once),
and the password rules, in every language."""
import email
import re
from email import policy
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer

from course.auth import recovery
from tests.conftest import PASSWORD


def outbox(app):
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def reset_path(message) -> str:
    return re.search(r"http://aula\.test(/\w\w/password/reset/[\w.\-]+)", text_of(message))[1]


def ask(client, address, lang="en", remote="10.0.0.1"):
    # buffered: the whole answer is read, so the email (sent after it) is out, as on a server
    return client.post(f"/{lang}/password/forgot", data={"email": address}, environ_base={"REMOTE_ADDR": remote},
                       buffered=True)


def test_the_sign_in_page_offers_recovery(client):
    page = client.get("/it/login").get_data(as_text=True)
    assert 'href="/it/password/forgot"' in page
    assert "Password dimenticata?" in page


def test_known_and_unknown_addresses_get_the_same_answer(client, app, make_user):
    make_user(email="ada@example.com")
    known, unknown = ask(client, "ada@example.com"), ask(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True).replace("ada@example.com", "X") == \
        unknown.get_data(as_text=True).replace("nobody@example.com", "X")
    [message] = outbox(app)
    assert message["To"] == "Learner 1 <ada@example.com>"


def test_the_email_is_in_the_learners_language_and_the_link_sets_a_new_password(client, app, make_user, auth):
    make_user(email="ola@example.com", lang="pl", name="Ola")
    ask(client, "ola@example.com", lang="en")
    [message] = outbox(app)
    assert message["Subject"] == "Ustaw nowe hasło w Aula"
    path = reset_path(message)
    assert path.startswith("/pl/password/reset/")
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "a brand new secret"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/pl/"
    assert client.get("/pl/profile").status_code == 200  # signed in
    auth.logout()
    assert auth.login("ola@example.com").status_code == 422
    assert auth.login("ola@example.com", password="a brand new secret").status_code == 302


def test_the_link_works_once(client, app, make_user):
    make_user(email="ada@example.com")
    ask(client, "ada@example.com")
    path = reset_path(outbox(app)[0])
    assert client.post(path, data={"password": "a brand new secret"}).status_code == 302
    again = client.get(path)
    assert again.status_code == 410
    page = again.get_data(as_text=True)
    assert "This link has already been used" in page
    assert 'action="/en/password/forgot"' in page  # a way to ask again


def test_the_link_expires_after_an_hour(client, app, make_user, monkeypatch):
    import time

    from itsdangerous.timed import TimestampSigner

    from course.extensions import db
    from course.models import User

    uid = make_user(email="ada@example.com")

    def link_made(seconds_ago):
        with monkeypatch.context() as m:
            m.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - seconds_ago)
            with app.app_context():
                return "/en/password/reset/" + recovery.reset_token(db.session.get(User, uid))

    assert client.get(link_made(3590)).status_code == 200
    response = client.get(link_made(3610))
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert "This link has expired" in page
    assert 'action="/en/password/forgot"' in page


def test_a_forged_link_is_not_valid(client, make_user):
    uid = make_user(email="ada@example.com")
    forged = URLSafeTimedSerializer("another secret", salt=recovery.RESET_SALT).dumps({"u": uid, "f": "x"})
    assert client.get(f"/en/password/reset/{forged}").status_code == 404
    assert client.get("/en/password/reset/nonsense").status_code == 404


def test_a_reset_ends_every_other_session(client, app, make_user):
    make_user(email="ada@example.com")
    laptop = app.test_client()
    laptop.post("/en/login", data={"email": "ada@example.com", "password": PASSWORD})
    assert laptop.get("/en/profile").status_code == 200
    ask(client, "ada@example.com")
    client.post(reset_path(outbox(app)[0]), data={"password": "a brand new secret"})
    assert laptop.get("/en/profile").status_code == 302


def test_reset_emails_are_limited_per_address_and_day_in_the_database(client, app, make_user):
    make_user(email="ada@example.com")
    for n in range(7):
        assert ask(client, "ada@example.com", remote=f"10.0.1.{n}").status_code == 200  # the same answer
    assert len(outbox(app)) == 5
    with app.app_context():
        from sqlalchemy import func, select

        from course.extensions import db
        from course.models import ThrottleEvent

        assert db.session.scalar(select(func.count()).select_from(ThrottleEvent).where(
            ThrottleEvent.kind == "email-address")) == 5


def test_reset_emails_are_limited_per_client_address(client, app, make_user):
    for n in range(25):
        make_user(email=f"user{n}@example.com")
        ask(client, f"user{n}@example.com", remote="10.0.2.1")
    assert len(outbox(app)) == 20


@pytest.mark.parametrize("lang, password, message", [
    ("en", "short", "Use at least 8 characters"),
    ("en", "password1", "one of the most common ones"),
    ("en", "Sunshine1", "one of the most common ones"),
    ("it", "iloveyou", "una delle più comuni"),
    ("es", "qwertyuiop", "una de las más comunes"),
    ("pl", "1234567890", "jednym z najczęściej"),
    ("en", "ada.lovelace!2026", "must not contain your email address"),
    ("pl", "xxada.lovelacexx", "nie może zawierać Twojego adresu e-mail"),
    ("en", "I am Augusta Ada", "must not contain your name"),
    ("es", "augusta-2026-x", "no puede contener tu nombre"),
])
def test_password_rules_explain_why_in_the_page_language(client, lang, password, message):
    response = client.post(f"/{lang}/register", data={
        "name": "Augusta King", "email": "ada.lovelace@example.com", "password": password, "lang": lang,
        "timezone": "UTC"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_the_password_rules_hold_for_a_reset_and_a_change(client, app, make_user):
    make_user(email="ada@example.com", name="Ada Byron")
    ask(client, "ada@example.com")
    path = reset_path(outbox(app)[0])
    response = client.post(path, data={"password": "byron-forever"})
    assert response.status_code == 422
    assert "must not contain your name" in response.get_data(as_text=True)
    assert client.post(path, data={"password": "a brand new secret"}).status_code == 302
    response = client.post("/en/profile", data={"change_password": "1", "current_password": "a brand new secret",
                                                "new_password": "baseball"})
    assert response.status_code == 422
    assert "one of the most common ones" in response.get_data(as_text=True)
