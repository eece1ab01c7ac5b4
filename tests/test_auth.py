"""Registering, signing in and out, the profile; and every bad input."""
import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import ReminderSchedule, User
from tests.conftest import PASSWORD, csrf_token_from, make_app


def register(client, lang="en", **overrides):
    """Post the registration form on the /<lang>/ pages (fields may override the language)."""
    data = {"name": "Ola", "email": "ola@example.com", "password": "secret-pass-1",
            "lang": lang, "timezone": "Europe/Warsaw"}
    data.update(overrides)
    return client.post(f"/{lang}/register", data=data)


def test_register_creates_the_account_in_the_chosen_language(client, app):
    response = register(client, lang="pl", email="Ola@Example.com")
    assert response.status_code == 200
    assert "<h1>Sprawdź pocztę</h1>" in response.get_data(as_text=True)  # "Check your email": the link signs in
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "ola@example.com"
        assert user.lang == "pl" and user.timezone == "Europe/Warsaw" and user.role == "learner"
        assert user.password_hash.startswith("$argon2") and "secret-pass-1" not in user.password_hash
        days = db.session.scalars(select(ReminderSchedule).where(ReminderSchedule.user_id == user.id).order_by(ReminderSchedule.weekday)).all()
        assert [d.enabled for d in days] == [True] * 5 + [False] * 2
        assert {d.minute for d in days} == {7 * 60}


@pytest.mark.parametrize("lang, overrides, field_message", [
    ("en", {"email": "not-an-email"}, "Enter a valid email address"),
    ("it", {"email": "not-an-email"}, "Inserisci un indirizzo email valido"),
    ("en", {"password": "short"}, "Use at least 8 characters"),
    ("es", {"password": "short"}, "al menos 8 caracteres"),
    ("en", {"field_lang": "de"}, "Choose one of the course languages"),
    ("en", {"timezone": "Mars/Olympus"}, "Choose a time zone from the list"),
    ("pl", {"timezone": "Mars/Olympus"}, "Wybierz strefę czasową z listy"),
    ("en", {"name": "   "}, "Enter your name"),
])
def test_registration_bad_input_is_explained_and_nothing_is_written(client, app, db_rows, lang, overrides, field_message):
    overrides = {("lang" if k == "field_lang" else k): v for k, v in overrides.items()}
    data = {"name": "Ola", "email": "ola@example.com", "password": "secret-pass-1", "lang": lang, "timezone": "Europe/Warsaw"}
    data.update(overrides)
    response = client.post(f"/{lang}/register", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_message in page
    assert 'aria-invalid="true"' in page
    assert db_rows("SELECT count(*) FROM users") == 0
    assert db_rows("SELECT count(*) FROM reminder_schedules") == 0
    # What the user typed is kept (except the password).
    if "email" not in overrides:
        assert 'value="ola@example.com"' in page


def test_registration_with_an_existing_email_changes_nothing(client, make_user, db_rows):
    """(The answer is the same as for a new address: tests/test_registration.py.)"""
    make_user(email="ola@example.com")
    response = register(client, email="OLA@example.com")
    assert response.status_code == 200
    assert "<h1>Check your email</h1>" in response.get_data(as_text=True)
    assert db_rows("SELECT count(*) FROM users") == 1


def test_login_with_a_wrong_password_is_refused(client, make_user):
    make_user(email="ada@example.com")
    response = client.post("/es/login", data={"email": "ada@example.com", "password": "wrong password"})
    assert response.status_code == 422
    assert "La dirección de correo o la contraseña no son correctas." in response.get_data(as_text=True)
    assert "Cerrar sesión" not in client.get("/es/").get_data(as_text=True)


def test_login_with_an_unknown_email_says_the_same_as_a_wrong_password(client, make_user):
    make_user(email="ada@example.com")
    wrong_password = client.post("/en/login", data={"email": "ada@example.com", "password": "nope nope"}).get_data(as_text=True)
    unknown = client.post("/en/login", data={"email": "bob@example.com", "password": "nope nope"}).get_data(as_text=True)
    assert "The email address or the password is not right." in wrong_password
    assert "The email address or the password is not right." in unknown


def test_login_then_logout(client, make_user, auth):
    make_user(email="ada@example.com", lang="it")
    response = auth.login("ada@example.com")
    assert response.status_code == 302 and response.headers["Location"] == "/it/"
    assert "Esci" in client.get("/it/").get_data(as_text=True)
    auth.logout()
    assert "Accedi" in client.get("/it/").get_data(as_text=True)


def test_a_deactivated_account_cannot_sign_in(client, app, make_user, auth):
    user_id = make_user(email="ada@example.com")
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    response = auth.login("ada@example.com")
    assert response.status_code == 422
    assert "deactivated" in response.get_data(as_text=True)


@pytest.mark.parametrize("target, expected", [
    ("/en/modules/complaints", "/en/modules/complaints"),
    ("https://evil.example/steal", "/en/"),
    ("//evil.example/steal", "/en/"),
    ("/\\evil.example", "/en/"),
    ("javascript:alert(1)", "/en/"),
    ("/\t/evil.example", "/en/"),
    ("/en/\r\nSet-Cookie: x=1", "/en/"),  # once a 500: a line break cannot go into a header
])
def test_next_redirects_only_stay_on_this_site(client, make_user, target, expected):
    make_user(email="ada@example.com")
    response = client.post("/en/login", data={"email": "ada@example.com", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_pages_that_need_an_account_send_visitors_to_sign_in(client):
    response = client.get("/en/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/en/login?next=")


def test_profile_changes_name_language_and_time_zone(client, app, learner):
    response = client.post("/en/profile", data={"save_profile": "1", "name": "Ada L.", "lang": "es", "timezone": "America/Mexico_City"})
    assert response.status_code == 302 and response.headers["Location"] == "/es/profile"
    with app.app_context():
        user = db.session.get(User, learner)
        assert (user.name, user.lang, user.timezone) == ("Ada L.", "es", "America/Mexico_City")
    assert client.get("/").headers["Location"] == "/es/"


def test_profile_dates_are_the_learners_own(client, app, make_user, auth):
    from datetime import datetime, timezone

    uid = make_user(email="kiri@example.com", timezone="Pacific/Auckland")
    with app.app_context():
        db.session.get(User, uid).created_at = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
        db.session.commit()
    auth.login("kiri@example.com")
    # 12:00 UTC on 23 November is already 24 November in Auckland (UTC+13).
    assert "Member since November 24, 2026." in client.get("/en/profile").get_data(as_text=True)


def test_profile_refuses_an_unknown_time_zone(client, app, learner):
    response = client.post("/en/profile", data={"save_profile": "1", "name": "Ada", "lang": "en", "timezone": "Nowhere/Land"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, learner).timezone == "UTC"


def test_password_change_needs_the_current_password(client, app, learner, auth):
    response = client.post("/en/profile", data={"change_password": "1", "current_password": "wrong", "new_password": "another-pass-2"})
    assert response.status_code == 422
    response = client.post("/en/profile", data={"change_password": "1", "current_password": PASSWORD, "new_password": "another-pass-2"})
    assert response.status_code == 302
    auth.logout()
    assert auth.login("ada@example.com", password="another-pass-2").status_code == 302


def test_both_profile_forms_carry_the_csrf_token_and_ids_stay_unique(db_path, tmp_path, make_user):
    app = make_app(db_path, WTF_CSRF_ENABLED=True, OUTBOX_DIR=str(tmp_path))
    make_user(email="ada@example.com", name="Ada")
    client = app.test_client()
    token = csrf_token_from(client.get("/en/login").get_data(as_text=True))
    client.post("/en/login", data={"email": "ada@example.com", "password": PASSWORD, "csrf_token": token})
    html = client.get("/en/profile").get_data(as_text=True)
    # With the sign-out and sign-out-everywhere forms.
    assert 'id="csrf_token"' not in html and html.count('name="csrf_token"') == 4
    # The session was renewed at sign-in: the token from before no longer works, the page's does.
    assert csrf_token_from(html) != token
    response = client.post("/en/profile", data={"change_password": "1", "current_password": PASSWORD,
                                                "new_password": "another-pass-2", "csrf_token": token})
    assert response.status_code == 400
    response = client.post("/en/profile", data={"change_password": "1", "current_password": PASSWORD,
                                                "new_password": "another-pass-2", "csrf_token": csrf_token_from(html)})
    assert response.status_code == 302


def test_the_cookie_set_at_sign_in_is_the_whole_session(db_path, tmp_path, make_user):
    """The sign-in mints the session's new CSRF token: the pages after it set no
    cookie, even for a client that sends the sign-in's cookie again and again."""
    app = make_app(db_path, WTF_CSRF_ENABLED=True, OUTBOX_DIR=str(tmp_path))
    make_user(email="ada@example.com", name="Ada")
    client = app.test_client()
    token = csrf_token_from(client.get("/en/login").get_data(as_text=True))
    response = client.post("/en/login", data={"email": "ada@example.com", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    cookie = client.get_cookie("session").value
    lesson = client.get("/en/modules/external-customers/delivering-excellent-service")
    assert lesson.status_code == 200 and "/en/logout" in lesson.get_data(as_text=True)
    assert "Set-Cookie" not in lesson.headers
    page_token = csrf_token_from(lesson.get_data(as_text=True))
    assert page_token != token
    for path in ("/en/", "/en/modules/external-customers", "/en/profile"):
        assert "Set-Cookie" not in client.get(path).headers
    assert client.get_cookie("session").value == cookie
    # The token on the pages is the session's: a form sent with it is accepted.
    response = client.post("/en/profile", data={"save_profile": "1", "name": "Ada L.", "lang": "en",
                                                "timezone": "UTC", "csrf_token": page_token})
    assert response.status_code == 302


def test_a_post_without_a_csrf_token_is_refused_with_a_translated_page(db_path, tmp_path):
    app = make_app(db_path, WTF_CSRF_ENABLED=True, OUTBOX_DIR=str(tmp_path))
    client = app.test_client()
    response = client.post("/it/register", data={"name": "Ola", "email": "ola@example.com", "password": "secret-pass-1", "lang": "it", "timezone": "UTC"})
    assert response.status_code == 400
    assert "Modulo scaduto" in response.get_data(as_text=True)
    # With the token from the page, the same form works.
    token = csrf_token_from(client.get("/it/register").get_data(as_text=True))
    response = client.post("/it/register", data={"csrf_token": token, "name": "Ola", "email": "ola@example.com", "password": "secret-pass-1", "lang": "it", "timezone": "UTC"})
    assert response.status_code == 200


def test_the_signed_in_account_is_the_users_row_read_only(app, client, learner):
    """`current_user` is an `Account`: every column of the user's row, the same
    rules as `User`, and no way to change it by mistake (only through User.of)."""
    from flask_login import current_user

    with client:
        client.get("/en/")
        account = current_user._get_current_object()
        user = db.session.get(User, learner)
        assert type(account).__name__ == "Account"
        assert {c.key: getattr(account, c.key) for c in User.__table__.columns} == \
            {c.key: getattr(user, c.key) for c in User.__table__.columns}
        assert (account.get_id(), account.is_active, account.is_authenticated, account.is_learner, account.is_admin) == \
            (user.get_id(), True, True, True, False)
        assert account.check_password(PASSWORD) and not account.check_password("wrong")
        assert account == user and user == account
        with pytest.raises(AttributeError, match="read-only"):
            account.name = "Someone else"
        with pytest.raises(AttributeError):
            account.role = "admin"
        assert User.of(current_user) is user  # the session's own ORM object, to change
        assert current_user._get_current_object() is user  # the rest of the request reads what it changes


def test_session_cookie_is_httponly_and_lax(client, make_user, auth):
    make_user(email="ada@example.com")
    response = auth.login("ada@example.com")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_when_base_url_is_https(db_path, tmp_path):
    app = make_app(db_path, BASE_URL="https://aula.example", OUTBOX_DIR=str(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True
