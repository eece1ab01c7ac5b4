"""Confirming the email address (auth): the email, the link, sending it again."""
import email
import re
import time
from email import policy
from pathlib import Path

from course.extensions import db
from course.models import User
from tests.conftest import PASSWORD, make_app


def user(app, uid) -> User:
    with app.app_context():
        row = db.session.get(User, uid)
        db.session.expunge(row)
        return row


def outbox(app):
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))]


def test_registration_sends_the_confirmation_whose_link_signs_in(app, client):
    response = client.post("/it/register", data={"name": "Marta", "email": "marta@example.com",
                                                 "password": "long enough password", "lang": "it",
                                                 "timezone": "Europe/Rome"}, buffered=True)
    assert "Abbiamo inviato un'email a marta@example.com." in response.get_data(as_text=True)
    [message] = outbox(app)
    assert message["Subject"] == "Conferma il tuo indirizzo email per Aula"
    assert message["Content-Language"] == "it"
    assert message["To"] == "Marta <marta@example.com>"
    text = message.get_body(("plain",)).get_content()
    assert "Ciao Marta," in text
    assert "http://aula.test/it/profile" in text
    link = re.search(r"http://aula\.test(/it/confirm/\S+)", text)[1]
    response = client.get(link)
    assert (response.status_code, response.headers["Location"]) == (302, "/it/")
    assert "Benvenuto, Marta! Il tuo indirizzo email è confermato" in client.get("/it/").get_data(as_text=True)
    for page in ("/it/reminders/", "/it/profile"):
        assert "Invia di nuovo il link" not in client.get(page).get_data(as_text=True)
    response = client.get(link)  # a second click is harmless
    assert response.status_code == 200
    assert "Il tuo indirizzo email è confermato" in response.get_data(as_text=True)


def test_an_unconfirmed_account_is_offered_the_link_again_on_its_pages(client, make_user, auth):
    make_user(email="new@example.com", confirmed=False, lang="it")
    auth.login("new@example.com")
    for page in ("/it/reminders/", "/it/profile"):
        html = client.get(page).get_data(as_text=True)
        assert "Conferma il tuo indirizzo email" in html
        assert "Invia di nuovo il link" in html


def test_a_link_emailed_before_confirmation_moved_to_auth_still_confirms(app, client, make_user):
    from course.auth.confirmation import confirm_token

    uid = make_user(email="early@example.com", confirmed=False)
    with app.test_request_context():
        token = confirm_token(user(app, uid))
    response = client.get(f"/es/reminders/confirm/{token}")
    assert (response.status_code, response.headers["Location"]) == (302, "/en/")  # confirmed, signed in, home in their language
    assert user(app, uid).email_confirmed_at is not None


def test_send_the_link_again_with_a_pause_and_back_to_the_page_it_came_from(app, client, make_user, auth):
    make_user(email="new@example.com", confirmed=False)
    auth.login("new@example.com")
    response = client.post("/en/confirm/send", data={"next": "/en/reminders/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/reminders/"
    page = client.get("/en/reminders/").get_data(as_text=True)
    assert "We have sent a new link to new@example.com." in page
    response = client.post("/en/confirm/send", follow_redirects=True)
    assert response.request.path == "/en/profile"
    assert "less than a minute ago" in response.get_data(as_text=True)
    assert len(outbox(app)) == 1


def test_the_pause_holds_in_the_database_not_in_the_cookie(app, client, make_user, auth):
    make_user(email="new@example.com", confirmed=False)
    auth.login("new@example.com")
    client.post("/en/confirm/send")
    other = app.test_client()  # another browser: no cookie of the first
    other.post("/en/login", data={"email": "new@example.com", "password": PASSWORD})
    response = other.post("/en/confirm/send", follow_redirects=True)
    assert "less than a minute ago" in response.get_data(as_text=True)
    assert len(outbox(app)) == 1


def test_confirmation_links_are_limited_per_address_and_day(db_path, tmp_path, make_user):
    app = make_app(db_path, THROTTLE_EMAIL_PAUSE=0, OUTBOX_DIR=str(tmp_path / "out"))
    make_user(email="new@example.com", confirmed=False)
    client = app.test_client()
    client.post("/en/login", data={"email": "new@example.com", "password": PASSWORD})
    for _ in range(5):
        response = client.post("/en/confirm/send", follow_redirects=True)
        assert "We have sent a new link to new@example.com." in response.get_data(as_text=True)
    response = client.post("/en/confirm/send", follow_redirects=True)
    assert ("You have asked for several links today. Please check your inbox (and your spam folder), or ask again "
            "tomorrow.") in response.get_data(as_text=True)
    assert len(outbox(app)) == 5


def test_sending_again_goes_nowhere_off_site(client, make_user, auth):
    make_user(email="new@example.com", confirmed=False)
    auth.login("new@example.com")
    response = client.post("/en/confirm/send", data={"next": "//evil.example/"})
    assert response.headers["Location"] == "/en/profile"


def test_sending_again_needs_sign_in(client):
    response = client.post("/en/confirm/send")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/en/login")


def test_bad_expired_and_outdated_confirmation_links(app, client, make_user):
    from course.auth.confirmation import confirm_token

    uid = make_user(email="old@example.com", confirmed=False)
    assert client.get("/en/confirm/not-a-token").status_code == 404
    with app.test_request_context():
        token = confirm_token(user(app, uid))
    with app.app_context():
        db.session.get(User, uid).email = "changed@example.com"
        db.session.commit()
    response = client.get(f"/en/confirm/{token}")
    assert response.status_code == 404
    assert "This link is not valid" in response.get_data(as_text=True)
    assert user(app, uid).email_confirmed_at is None

    with app.test_request_context():
        stale = confirm_token(user(app, uid))
    real = time.time
    try:
        time.time = lambda: real() + 8 * 24 * 3600
        response = client.get(f"/en/confirm/{stale}")
    finally:
        time.time = real
    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)
    assert user(app, uid).email_confirmed_at is None
