"""Throttled sign-in (counted in the database), sessions ended on every
device, and the headers of signed-in pages."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import ThrottleEvent, User, utcnow
from tests.conftest import PASSWORD, make_app


def fail(client, email, lang="en", remote="10.0.0.1"):
    return client.post(f"/{lang}/login", data={"email": email, "password": "wrong password!"},
                       environ_base={"REMOTE_ADDR": remote})


def sign_in(client, email, password=PASSWORD, remote="10.0.0.1", **extra):
    return client.post("/en/login", data={"email": email, "password": password, **extra},
                       environ_base={"REMOTE_ADDR": remote})


class Clock:
    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, minutes):
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock(monkeypatch):
    """The throttle's time, moved by the test (no waiting, exact figures)."""
    from course.auth import throttle

    clock = Clock()
    monkeypatch.setattr(throttle, "utcnow", clock)
    return clock


def test_five_failures_lock_the_account_for_15_minutes_even_with_the_right_password(client, make_user, clock):
    make_user(email="ada@example.com")
    for _attempt in range(5):
        assert fail(client, "ada@example.com").status_code == 422
    response = sign_in(client, "ada@example.com")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) == 900
    assert "Too many failed sign-ins. Please wait 15 minutes before you try again." in response.get_data(as_text=True)
    # Another client address is refused too: the limit is the account's.
    assert sign_in(client, "ada@example.com", remote="10.9.9.9").status_code == 429
    clock.advance(10)
    response = sign_in(client, "ada@example.com")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) == 300
    clock.advance(5)
    assert sign_in(client, "ada@example.com").status_code == 302


def test_the_429_is_translated(client, make_user):
    make_user(email="ola@example.com")
    for _attempt in range(5):
        fail(client, "ola@example.com", lang="pl")
    response = client.post("/pl/login", data={"email": "ola@example.com", "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert response.status_code == 429
    assert "Zbyt wiele nieudanych" in response.get_data(as_text=True)


def test_the_limit_holds_across_servers(db_path, tmp_path, make_user):
    """Two app instances (two servers, or two gunicorn workers) share one count."""
    make_user(email="ada@example.com")
    first = make_app(db_path, OUTBOX_DIR=str(tmp_path / "o1")).test_client()
    second = make_app(db_path, OUTBOX_DIR=str(tmp_path / "o2")).test_client()
    for client in (first, second, first, second, first):
        assert fail(client, "ada@example.com").status_code == 422
    assert sign_in(second, "ada@example.com").status_code == 429


def test_an_unknown_address_is_counted_like_a_known_one(client, make_user):
    """No difference tells a visitor whether an address has an account."""
    make_user(email="ada@example.com")
    for email in ("ada@example.com", "nobody@example.com"):
        answers = [fail(client, email).status_code for _attempt in range(6)]
        assert answers == [422] * 5 + [429]


def test_thirty_failures_from_one_client_address_across_accounts(client, make_user):
    make_user(email="ada@example.com")
    for n in range(30):
        assert fail(client, f"someone{n}@example.com", remote="10.0.0.66").status_code == 422
    assert sign_in(client, "ada@example.com", remote="10.0.0.66").status_code == 429
    assert sign_in(client, "ada@example.com", remote="10.0.0.67").status_code == 302


def test_a_successful_sign_in_clears_the_account_failures(client, make_user, auth):
    make_user(email="ada@example.com")
    for _attempt in range(4):
        fail(client, "ada@example.com")
    assert sign_in(client, "ada@example.com").status_code == 302
    auth.logout()
    for _attempt in range(4):
        assert fail(client, "ada@example.com").status_code == 422


def test_no_address_is_stored_in_clear(client, app, make_user):
    make_user(email="ada@example.com")
    fail(client, "ada@example.com", remote="10.1.2.3")
    with app.app_context():
        keys = db.session.scalars(select(ThrottleEvent.key)).all()
    assert len(keys) == 2
    assert not any("ada" in key or "10.1.2.3" in key for key in keys)


def test_an_unknown_address_is_checked_against_a_dummy_hash(client, app, monkeypatch):
    """The time of a sign-in for an unknown address is the time of one hash check."""
    from argon2 import PasswordHasher

    calls = []
    original = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, h, p: calls.append(h) or original(self, h, p))
    assert fail(client, "nobody@example.com").status_code == 422
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


# -- sessions ----------------------------------------------------------------

@pytest.fixture
def two_devices(app, make_user):
    make_user(email="ada@example.com", name="Ada")
    phone, laptop = app.test_client(), app.test_client()
    assert sign_in(phone, "ada@example.com", remember="y").status_code == 302
    assert sign_in(laptop, "ada@example.com").status_code == 302
    assert phone.get("/en/profile").status_code == 200
    assert laptop.get("/en/profile").status_code == 200
    return phone, laptop


def signed_in(client) -> bool:
    return client.get("/en/profile").status_code == 200


def test_sign_out_everywhere_ends_the_other_devices_and_remember_me(two_devices, app):
    phone, laptop = two_devices
    remembered = phone.get_cookie("remember_token")
    assert remembered is not None
    response = laptop.post("/en/profile/sign-out-everywhere")
    assert response.status_code == 302
    assert not signed_in(laptop)
    assert not signed_in(phone)
    # A copy of the old remember-me cookie, alone, does not sign anyone in either.
    thief = app.test_client()
    thief.set_cookie("remember_token", remembered.value)
    assert not signed_in(thief)


def test_signing_out_ends_a_copied_session_cookie(two_devices, app):
    phone, _laptop = two_devices
    stolen = app.test_client()
    stolen.set_cookie("session", phone.get_cookie("session").value)
    assert signed_in(stolen)
    phone.post("/en/logout")
    assert not signed_in(stolen)


def test_a_password_change_keeps_this_device_and_ends_the_others(two_devices):
    phone, laptop = two_devices
    response = laptop.post("/en/profile", data={"change_password": "1", "current_password": PASSWORD,
                                                "new_password": "a much newer secret"})
    assert response.status_code == 302
    assert signed_in(laptop)
    assert not signed_in(phone)


def test_deactivation_ends_every_session_at_once(two_devices, app, make_user):
    phone, laptop = two_devices
    make_user(email="boss@example.com", role="admin")
    admin = app.test_client()
    sign_in(admin, "boss@example.com", remote="10.0.0.2")
    with app.app_context():
        ada = db.session.scalar(select(User).where(User.email == "ada@example.com"))
    admin.post(f"/en/admin/learners/{ada.id}/status", data={"action": "deactivate"})
    with app.app_context():
        assert db.session.get(User, ada.id).active is False
    assert not signed_in(phone)
    assert not signed_in(laptop)


def test_the_version_is_checked_on_every_server(db_path, tmp_path, make_user):
    """Sessions ended through one server are refused by another (the version is in the database)."""
    make_user(email="ada@example.com")
    one = make_app(db_path, OUTBOX_DIR=str(tmp_path / "o1"))
    two = make_app(db_path, OUTBOX_DIR=str(tmp_path / "o2"))
    client_one, client_two = one.test_client(), two.test_client()
    sign_in(client_one, "ada@example.com")
    client_two.set_cookie("session", client_one.get_cookie("session").value)
    assert signed_in(client_two)
    client_one.post("/en/profile/sign-out-everywhere")
    assert not signed_in(client_two)


def test_remember_me_lasts_30_days(two_devices):
    phone, _laptop = two_devices
    cookie = phone.get_cookie("remember_token")
    lifetime = cookie.expires - utcnow()
    assert timedelta(days=29, hours=23) < lifetime <= timedelta(days=30)


def test_the_session_is_renewed_at_sign_in(client, make_user):
    make_user(email="ada@example.com")
    with client.session_transaction() as sess:
        sess["planted"] = "by someone else"
    sign_in(client, "ada@example.com")
    with client.session_transaction() as sess:
        assert "planted" not in sess


# -- headers ------------------------------------------------------------------

def test_signed_in_pages_are_not_cached_and_visitor_pages_may_be(client, learner, app):
    response = client.get("/en/")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Cookie" in response.headers["Vary"]
    static = client.get("/static/style.css")
    static.close()
    assert static.headers.get("Cache-Control") != "private, no-store"
    visitor = app.test_client()
    assert visitor.get("/en/").headers["Cache-Control"] == "public, max-age=300"  # main's rule for visitors


@pytest.mark.parametrize("app_config", [{"BASE_URL": "https://aula.example.org"}])
def test_hsts_when_the_site_is_https(client):
    assert client.get("/en/").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/en/").headers
