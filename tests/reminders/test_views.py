"""The reminders pages: settings (with and without JS), unsubscribe, calendar, admin."""
import email
import re
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import ReminderSchedule, User
from tests.conftest import PASSWORD, csrf_token_from, make_app


def user(app, uid) -> User:
    with app.app_context():
        row = db.session.get(User, uid)
        db.session.expunge(row)
        return row


def schedule(app, uid):
    with app.app_context():
        rows = db.session.scalars(select(ReminderSchedule).where(ReminderSchedule.user_id == uid)
                                  .order_by(ReminderSchedule.weekday))
        return [(r.enabled, r.minute) for r in rows]


def form_data(days=None, timezone="Europe/Rome", **extra):
    days = days or [(True, "07:00")] * 5 + [(False, "07:00")] * 2
    data = {"timezone": timezone}
    for weekday, (enabled, at) in enumerate(days):
        if enabled:
            data[f"enabled_{weekday}"] = "y"
        data[f"time_{weekday}"] = at
    data.update(extra)
    return data


def selected_zone(html):
    return re.search(r'<option selected value="([^"]+)"', html)[1]


def outbox(app):
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))]


# -- the settings page -----------------------------------------------------

def test_needs_sign_in(client):
    response = client.get("/en/reminders/")
    assert response.status_code == 302 and "/en/login" in response.headers["Location"]


def test_default_week_in_english_and_italian(app, client, learner):
    html = client.get("/en/reminders/").get_data(as_text=True)
    assert "We will email you at these times to remind you to study." in html
    names = re.findall(r'class="reminder-name">([^<]+)<', html)
    assert names == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    assert len(re.findall(r'name="enabled_\d" type="checkbox" value="y"', html)) == 7
    assert len(re.findall(r'checked class="js-day-enabled" id="enabled_[0-4]"', html)) == 5
    assert 'id="time-label-0">7:00\u202fAM<' in html or 'id="time-label-0">7:00 AM<' in html
    html = client.get("/it/reminders/").get_data(as_text=True)
    assert re.findall(r'class="reminder-name">([^<]+)<', html)[0] == "Lunedì"
    assert 'id="time-label-0">07:00<' in html
    assert "Lunedì: 30 minuti dopo" in html
    assert html.count('<label for="time_') == 7  # every time field has a label


def test_plus_button_without_javascript(app, client, learner):
    response = client.post("/en/reminders/", data=form_data(shift="0:30"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/en/reminders/#day-0")
    assert schedule(app, learner)[0] == (True, 450)
    html = client.get("/en/reminders/").get_data(as_text=True)
    assert "Monday: reminder at 7:30" in html


def test_minus_button_wraps_round_midnight_and_keeps_other_edits(app, client, learner):
    days = [(True, "00:00"), (False, "18:15")] + [(True, "07:00")] * 3 + [(True, "09:00"), (False, "07:00")]
    client.post("/en/reminders/", data=form_data(days, shift="0:-30"))
    assert schedule(app, learner) == [(True, 1410), (False, 1095), (True, 420), (True, 420), (True, 420),
                                      (True, 540), (False, 420)]


def test_buttons_with_javascript_answer_json(app, client, learner):
    response = client.post("/it/reminders/", data=form_data(shift="2:-30"), headers={"Accept": "application/json"})
    assert response.status_code == 200
    result = response.get_json()
    assert result["message"] == "Mercoledì: promemoria alle 06:30."
    assert result["days"][2] == {"weekday": 2, "name": "Mercoledì", "enabled": True, "minute": 390,
                                 "value": "06:30", "label": "06:30"}
    assert schedule(app, learner)[2] == (True, 390)


def test_time_field_and_time_zone(app, client, learner):
    days = [(True, "06:45")] + [(False, "07:00")] * 6
    response = client.post("/en/reminders/", data=form_data(days, timezone="America/New_York"))
    assert response.status_code == 302
    assert schedule(app, learner)[0] == (True, 405)
    assert user(app, learner).timezone == "America/New_York"
    assert selected_zone(client.get("/en/reminders/").get_data(as_text=True)) == "America/New_York"


@pytest.mark.parametrize("bad", ["25:00", "seven", ""])
def test_a_bad_time_is_explained_and_nothing_typed_is_lost(app, client, learner, bad):
    days = [(True, "08:00"), (True, bad)] + [(True, "07:00")] * 5
    response = client.post("/en/reminders/", data=form_data(days, timezone="Asia/Tokyo"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter a time such as 07:30." in html
    assert 'aria-describedby="time_1-error"' in html and 'id="time_1-error"' in html
    assert 'value="08:00"' in html and selected_zone(html) == "Asia/Tokyo"
    assert schedule(app, learner)[0] == (True, 420)  # nothing saved
    json = client.post("/en/reminders/", data=form_data(days), headers={"Accept": "application/json"})
    assert json.status_code == 422 and "time_1" in json.get_json()["errors"]


def test_an_unknown_time_zone_is_refused(app, client, learner):
    response = client.post("/es/reminders/", data=form_data(timezone="Mars/Base"))
    assert response.status_code == 422
    assert "Elige una zona horaria de la lista." in response.get_data(as_text=True)


def test_a_forged_shift_is_ignored(app, client, learner):
    client.post("/en/reminders/", data=form_data(shift="0:600"))
    client.post("/en/reminders/", data=form_data(shift="9:30"))
    # Digits int() refuses (too many of them, or not ASCII) once gave a 500.
    for forged in ("0:+" + "3" * 5000, "0:³⁰"):
        assert client.post("/en/reminders/", data=form_data(shift=forged)).status_code == 302
    assert schedule(app, learner)[0] == (True, 420)


def test_the_form_needs_its_csrf_token(db_path, tmp_path, make_user):
    app = make_app(db_path, WTF_CSRF_ENABLED=True, OUTBOX_DIR=str(tmp_path / "out"))
    make_user(email="csrf@example.com")
    client = app.test_client()
    token = csrf_token_from(client.get("/en/login").get_data(as_text=True))
    client.post("/en/login", data={"email": "csrf@example.com", "password": PASSWORD, "csrf_token": token})
    assert client.post("/en/reminders/", data=form_data(shift="0:30")).status_code == 400
    token = csrf_token_from(client.get("/en/reminders/").get_data(as_text=True))
    assert client.post("/en/reminders/", data=form_data(shift="0:30", csrf_token=token)).status_code == 302
    # The small forms (new calendar address, unsubscribe...) carry the token too; no token input has an id (it would repeat).
    html = client.get("/en/reminders/").get_data(as_text=True)
    assert 'id="csrf_token"' not in html and html.count('name="csrf_token"') >= 3
    assert client.post("/en/reminders/calendar/reset").status_code == 400
    assert client.post("/en/reminders/calendar/reset", data={"csrf_token": token}).status_code == 302


def test_menu_item(client, learner):
    assert 'href="/en/reminders/">Reminders</a>' in client.get("/en/").get_data(as_text=True)


def test_no_javascript_inline(client, learner):
    html = client.get("/en/reminders/").get_data(as_text=True)
    assert "<script>" not in html and " onclick=" not in html and "style=" not in html
    response = client.get("/en/reminders/static/reminders.js")
    assert response.status_code == 200
    response.close()


# -- unsubscribing -----------------------------------------------------------

def unsubscribe_url(app, uid, lang="en"):
    from course.reminders import tokens

    with app.test_request_context():
        return f"/{lang}/reminders/unsubscribe/{tokens.unsubscribe_token(user(app, uid))}"


def test_the_link_opens_a_page_with_a_button_then_undo(app, client, make_user):
    uid = make_user(email="bye@example.com")
    url = unsubscribe_url(app, uid, "es")
    # A GET (a person, or a mail scanner following links) unsubscribes nobody.
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>¿Dejar de recibir recordatorios de estudio?</h1>" in html
    assert f'<form method="post" action="{url}">' in html
    assert '<button type="submit" class="button">Darme de baja</button>' in html
    assert "bye@example.com" not in html
    assert user(app, uid).reminders_unsubscribed_at is None
    response = client.post(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Te has dado de baja" in html and "bye@example.com" not in html
    assert user(app, uid).reminders_unsubscribed_at is not None
    # Opened again: it says so, and offers to undo.
    html = client.get(url).get_data(as_text=True)
    assert "<h1>Los recordatorios de estudio están desactivados</h1>" in html
    assert f'action="{url}/undo"' in html
    response = client.post(url + "/undo")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Volverás a recibir recordatorios" in html and "bye@example.com" not in html
    assert user(app, uid).reminders_unsubscribed_at is None


def test_revoked_links_no_longer_work(app, client, make_user):
    from itsdangerous import URLSafeSerializer

    from course.reminders.tokens import UNSUBSCRIBE_SALT

    uid = make_user(email="bye@example.com")
    url = unsubscribe_url(app, uid)
    # A link emailed before links carried a nonce (the bare account id) works until the links are revoked.
    legacy = f"/en/reminders/unsubscribe/{URLSafeSerializer(app.config['SECRET_KEY'], salt=UNSUBSCRIBE_SALT).dumps(uid)}"
    assert client.get(url).status_code == client.get(legacy).status_code == 200
    with app.app_context():
        db.session.get(User, uid).revoke_links()
        db.session.commit()
    for old in (url, legacy):
        assert client.get(old).status_code == 404
        assert client.post(old).status_code == 404
        assert client.post(old + "/undo").status_code == 404
    assert user(app, uid).reminders_unsubscribed_at is None
    assert client.post(unsubscribe_url(app, uid)).status_code == 200  # a link made now works
    assert user(app, uid).reminders_unsubscribed_at is not None


def test_rfc8058_post_needs_no_csrf_token_but_undo_does(db_path, tmp_path, make_user):
    app = make_app(db_path, WTF_CSRF_ENABLED=True, OUTBOX_DIR=str(tmp_path / "out"))
    uid = make_user(email="mailclient@example.com")
    url = unsubscribe_url(app, uid)
    client = app.test_client()
    response = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert user(app, uid).reminders_unsubscribed_at is not None
    assert client.post(url + "/undo").status_code == 400
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    assert client.post(url + "/undo", data={"csrf_token": token}).status_code == 200
    assert user(app, uid).reminders_unsubscribed_at is None


def test_a_forged_unsubscribe_link_is_404(app, client, make_user):
    uid = make_user()
    assert client.get(f"/en/reminders/unsubscribe/{uid}.forged").status_code == 404
    assert client.post("/en/reminders/unsubscribe/garbage/undo").status_code == 404
    assert user(app, uid).reminders_unsubscribed_at is None


def test_signed_in_unsubscribe_and_resubscribe(app, client, learner):
    response = client.post("/en/reminders/unsubscribe", follow_redirects=True)
    assert "Reminder emails are turned off" in response.get_data(as_text=True)
    client.post("/en/reminders/resubscribe")
    assert user(app, learner).reminders_unsubscribed_at is None


def test_the_unsubscribe_date_is_the_learners_own(app, client, make_user, auth):
    from datetime import datetime, timezone

    uid = make_user(email="kiri@example.com", timezone="Pacific/Auckland")
    with app.app_context():
        db.session.get(User, uid).reminders_unsubscribed_at = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
        db.session.commit()
    auth.login("kiri@example.com")
    # 12:00 UTC on 23 November is already 24 November in Auckland (UTC+13).
    html = client.get("/en/reminders/").get_data(as_text=True)
    assert "You unsubscribed on November 24, 2026." in html


# -- the calendar feed -------------------------------------------------------

def feed_path(html):
    return re.search(r'id="feed-url" value="http://[^/"]+(/en/reminders/calendar/[\w-]+\.ics)"', html)[1]


def test_private_calendar_feed(app, client, learner):
    client.post("/en/reminders/", data=form_data(
        [(True, "07:00"), (True, "07:00"), (False, "07:00"), (True, "02:30"), (True, "07:00"), (False, "07:00"),
         (True, "10:30")], timezone="Europe/Rome"))
    html = client.get("/en/reminders/").get_data(as_text=True)
    path = feed_path(html)
    assert "webcal://" in html
    client.post("/en/logout")
    response = client.get(path)  # calendar apps do not sign in
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    import icalendar

    cal = icalendar.Calendar.from_ical(response.data)
    events = sorted((str(e["RRULE"].to_ical(), "ascii"), e.decoded("DTSTART")) for e in cal.walk("VEVENT"))
    assert [rule for rule, _ in events] == ["FREQ=WEEKLY;BYDAY=FR", "FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=SU",
                                            "FREQ=WEEKLY;BYDAY=TH", "FREQ=WEEKLY;BYDAY=TU"]
    starts = {rule[-2:]: start for rule, start in events}
    assert starts["MO"].strftime("%a %H:%M") == "Mon 07:00" and str(starts["MO"].tzinfo) == "Europe/Rome"
    assert starts["SU"].strftime("%a %H:%M") == "Sun 10:30" and starts["TH"].strftime("%H:%M") == "02:30"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Rome"]
    assert all(e.walk("VALARM") for e in cal.walk("VEVENT"))


def test_the_database_keeps_only_the_hash_of_the_feed_token(app, client, learner, db_path):
    import hashlib

    path = feed_path(client.get("/en/reminders/").get_data(as_text=True))
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) == 43
    with app.app_context():
        stored = db.session.get(User, learner).calendar_token
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    if not isinstance(db_path, str):  # SQLite: not anywhere in the file either
        from sqlalchemy import create_engine, text

        engine = create_engine(f"sqlite:///{db_path}")
        with engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        engine.dispose()
        assert token.encode() not in db_path.read_bytes()
    # The page shows the same address again; the feed answers it.
    assert feed_path(client.get("/en/reminders/").get_data(as_text=True)) == path
    assert client.get(path).status_code == 200


def test_resetting_the_feed_address(app, client, learner):
    old = feed_path(client.get("/en/reminders/").get_data(as_text=True))
    client.post("/en/reminders/calendar/reset")
    new = feed_path(client.get("/en/reminders/").get_data(as_text=True))
    assert old != new
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200
    assert client.get("/en/reminders/calendar/nothing.ics").status_code == 404


def test_a_new_secret_key_gives_the_feed_a_new_address_on_the_next_visit(app, client, learner):
    """The feed token is derived from SECRET_KEY: after a key rotation the
    reminders page stores the new token's hash (the signed-in account is
    read-only; the page changes the account's ORM object) and shows it."""
    old = feed_path(client.get("/en/reminders/").get_data(as_text=True))
    app.config["SECRET_KEY_FALLBACKS"] = [app.config["SECRET_KEY"]]  # the session cookie stays valid
    app.config["SECRET_KEY"] = "a-rotated-secret-key-" + "y" * 32
    new = feed_path(client.get("/en/reminders/").get_data(as_text=True))
    assert new != old
    assert client.get(new).status_code == 200 and client.get(old).status_code == 404
    assert feed_path(client.get("/en/reminders/").get_data(as_text=True)) == new


# -- administrators ----------------------------------------------------------

def test_admin_deliveries_page(app, client, make_user, auth):
    from datetime import datetime, timezone

    from course.reminders.scheduler import tick

    make_user(email="learner@example.com", timezone="Europe/Rome")
    make_user(email="admin@example.com", role="admin")
    with app.app_context():
        tick(datetime(2026, 10, 26, 5, 59, tzinfo=timezone.utc))
        tick(datetime(2026, 10, 26, 6, 0, tzinfo=timezone.utc))
    auth.login("learner@example.com")
    assert client.get("/en/admin/reminders/").status_code == 403
    assert "Reminder deliveries" not in client.get("/en/").get_data(as_text=True)
    auth.logout()
    auth.login("admin@example.com")
    html = client.get("/en/admin/reminders/").get_data(as_text=True)
    assert "learner@example.com" in html and "Sent" in html and "Last scheduler tick" in html
    assert 'href="/en/admin/reminders/">Reminder deliveries</a>' in client.get("/en/").get_data(as_text=True)
    html = client.get("/en/admin/reminders/?status=failed").get_data(as_text=True)
    assert "No deliveries to show." in html
    assert client.get("/en/admin/reminders/?status=<script>&page=-1").status_code == 200
    # "²" passes str.isdigit() but not int(): it once gave a 500.
    for page in ("²", "x", "9" * 30, "1.5"):
        assert client.get(f"/en/admin/reminders/?page={page}").status_code == 200, page


def test_admin_deliveries_page_is_part_of_the_admin_area_and_pages(app, client, make_user, auth, monkeypatch):
    from datetime import date, datetime, timezone

    from course.extensions import db
    from course.models import ReminderDelivery
    from course.reminders import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    uid = make_user(email="learner@example.com")
    make_user(email="admin@example.com", role="admin")
    with app.app_context():
        for day in range(1, 6):
            db.session.add(ReminderDelivery(user_id=uid, local_date=date(2026, 10, day),
                                            due_at=datetime(2026, 10, day, 6, tzinfo=timezone.utc)))
        db.session.commit()
    auth.login("admin@example.com")
    html = client.get("/it/admin/reminders/").get_data(as_text=True)
    assert '<nav class="admin-nav"' in html  # the admin layout, with its navigation
    assert '<a href="/it/admin/reminders/" aria-current="page">Invii dei promemoria</a>' in html
    assert "Pagina 1 di 3" in html
    assert 'href="/it/admin/reminders/?page=2" rel="next"' in html
    html = client.get("/it/admin/reminders/?status=queued&page=3").get_data(as_text=True)
    assert "Pagina 3 di 3" in html
    assert 'href="/it/admin/reminders/?page=2&amp;status=queued" rel="prev"' in html
    assert html.count("learner@example.com") == 1
