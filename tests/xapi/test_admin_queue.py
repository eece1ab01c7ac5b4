"""The administrators' page of the xAPI queue: counts, the oldest waiting
statement, the LRS's reasons, retrying failed statements, sending now."""
import re
from datetime import datetime, timezone

from sqlalchemy import update

from tests.activities.conftest import M1
from tests.conftest import csrf_token_from

LESSONS = ("customer-vs-consumer", "internal-and-external-customers", "service-starts-with-people")


def complete(client, *lessons):
    for lesson in lessons:
        client.post(f"/en/modules/{M1}/{lesson}/complete", data={"action": "complete"})


def set_status(app, ids, **values):
    from course.extensions import db
    from course.models import XapiStatement

    with app.app_context():
        db.session.execute(update(XapiStatement).where(XapiStatement.id.in_(ids)).values(**values))
        db.session.commit()


def counts(html):
    row = re.search(r'<table class="delivery-counts xapi-counts">.*?<tbody><tr>(.*?)</tr>', html, re.S).group(1)
    return [int(n) for n in re.findall(r"<td>(\d+)</td>", row)]


def test_admins_see_the_queue_and_retry_failed_statements(app, client, auth, make_user, outbox, push, ralph):
    make_user(email="learner@example.com")
    make_user(email="admin@example.com", role="admin")
    auth.login("learner@example.com")
    complete(client, *LESSONS)
    auth.logout()
    rows = outbox()
    set_status(app, [rows[0]["id"]], status="sent")
    set_status(app, [rows[1]["id"]], status="failed", last_error="HTTP 400: a reason from the LRS")
    set_status(app, [rows[2]["id"]], created_at=datetime(2026, 11, 1, 9, 30, tzinfo=timezone.utc),
               last_error="LRS unreachable: [Errno 111] Connection refused")

    auth.login("admin@example.com")
    page = client.get("/en/admin/xapi/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert counts(html) == [1, 0, 1, 1]  # waiting, sending, sent, failed
    assert "Oldest waiting: recorded Nov 1, 2026, 9:30:00" in html
    assert "Last answer of the LRS: LRS unreachable: [Errno 111] Connection refused" in html
    assert "HTTP 400: a reason from the LRS" in html
    assert "learner@example.com" in html

    token = csrf_token_from(html)
    response = client.post("/en/admin/xapi/retry", data={"csrf_token": token}, follow_redirects=True)
    assert "1 failed statement will be sent again." in response.get_data(as_text=True)
    assert [r["status"] for r in outbox()] == ["sent", "waiting", "waiting"]

    response = client.post("/en/admin/xapi/send", data={"csrf_token": token}, follow_redirects=True)
    assert "2 sent, 0 failed, 0 waiting to be retried." in response.get_data(as_text=True)
    assert [r["status"] for r in outbox()] == ["sent"] * 3
    assert counts(client.get("/en/admin/xapi/").get_data(as_text=True)) == [0, 0, 3, 0]


def test_one_failed_statement_can_be_retried_alone(app, client, auth, make_user, outbox):
    make_user(email="learner@example.com")
    make_user(email="admin@example.com", role="admin")
    auth.login("learner@example.com")
    complete(client, *LESSONS[:2])
    auth.logout()
    rows = outbox()
    set_status(app, [r["id"] for r in rows], status="failed", last_error="HTTP 400: no")
    auth.login("admin@example.com")
    token = csrf_token_from(client.get("/en/admin/xapi/?status=failed").get_data(as_text=True))
    response = client.post("/en/admin/xapi/retry", data={"csrf_token": token, "id": rows[1]["id"]},
                           follow_redirects=True)
    assert "The statement will be sent again." in response.get_data(as_text=True)
    assert [r["status"] for r in outbox()] == ["failed", "waiting"]


def test_the_queue_is_for_administrators_only(app, client, auth, make_user):
    make_user(email="learner@example.com")
    make_user(email="teacher@example.com", role="instructor")
    assert client.get("/en/admin/xapi/").status_code == 302  # to sign in
    auth.login("learner@example.com")
    assert client.get("/en/admin/xapi/").status_code == 403
    auth.logout()
    auth.login("teacher@example.com")
    assert client.get("/en/admin/xapi/").status_code == 403
    assert client.post("/en/admin/xapi/retry").status_code == 403


def test_the_queue_page_in_every_language_and_without_an_lrs(app, client, auth, make_user):
    make_user(email="admin@example.com", role="admin")
    auth.login("admin@example.com")
    app.config["XAPI_LRS_URL"] = ""
    html = client.get("/en/admin/xapi/").get_data(as_text=True)
    assert "No Learning Record Store is set up (XAPI_LRS_URL)" in html
    assert "Send now" not in html
    for lang, title in (("it", "Dichiarazioni xAPI"), ("es", "Declaraciones xAPI"), ("pl", "Wpisy xAPI")):
        assert f"<h1>{title}</h1>" in client.get(f"/{lang}/admin/xapi/").get_data(as_text=True)


def test_the_queue_pages_with_the_admin_pager_and_keeps_the_filter(app, client, auth, make_user, outbox, monkeypatch):
    """The statements are paged as every admin table is (the shared macro), in
    the admin area's layout, and the next page keeps the status filter."""
    monkeypatch.setattr("course.xapi.views.PAGE_SIZE", 2)
    make_user(email="learner@example.com")
    make_user(email="admin@example.com", role="admin")
    auth.login("learner@example.com")
    complete(client, *LESSONS)
    auth.logout()
    assert len(outbox()) == 3
    auth.login("admin@example.com")
    html = client.get("/it/admin/xapi/?status=waiting").get_data(as_text=True)
    assert '<nav class="admin-nav" aria-label="Amministrazione">' in html
    assert '<nav class="pagination" aria-label="Pagine delle dichiarazioni">' in html
    assert "Pagina 1 di 2" in html
    assert html.count('<tr class="xapi-waiting">') == 2
    next_link = re.search(r'<a href="([^"]+)" rel="next">', html).group(1)
    assert next_link == "/it/admin/xapi/?page=2&amp;status=waiting"
    second = client.get("/it/admin/xapi/?page=2&status=waiting").get_data(as_text=True)
    assert "Pagina 2 di 2" in second and 'rel="next"' not in second
    assert second.count('<tr class="xapi-waiting">') == 1
