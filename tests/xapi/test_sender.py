"""Done when: an LRS outage loses nothing (retried with back-off), a refused
statement is recorded failed with the LRS's reason, and sending again is
harmless. Against Ralph; stopped and restarted here."""
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

from course.models import utcnow
from tests.activities.conftest import M1

LESSONS = ("customer-vs-consumer", "internal-and-external-customers", "service-starts-with-people")


def complete(client, *lessons):
    for lesson in lessons:
        assert client.post(f"/en/modules/{M1}/{lesson}/complete", data={"action": "complete"}).status_code == 302


def set_rows(app, **values):
    from sqlalchemy import update

    from course.extensions import db
    from course.models import XapiStatement

    with app.app_context():
        db.session.execute(update(XapiStatement).values(**values))
        db.session.commit()


def test_an_lrs_outage_loses_nothing_and_retries_with_back_off(client, learner, outbox, push, ralph):
    complete(client, *LESSONS)
    now = utcnow()
    ralph.stop()
    try:
        report = push(now)
        assert (report.sent, report.failed, report.retrying) == (0, 0, 3)
        assert report.errors[0].startswith("LRS unreachable: ")
        rows = outbox()
        assert [r["status"] for r in rows] == ["waiting"] * 3
        assert [r["attempts"] for r in rows] == [1] * 3
        assert all(r["next_attempt_at"] == now + timedelta(minutes=1) for r in rows)
        assert push(now + timedelta(seconds=30)).retrying == 0  # not due yet: nothing tried
        assert push(now + timedelta(minutes=1)).retrying == 3
        assert [r["next_attempt_at"] for r in outbox()] == [now + timedelta(minutes=3)] * 3  # then 2 minutes
    finally:
        ralph.start()
    report = push(now + timedelta(minutes=3))
    assert (report.sent, report.failed, report.retrying) == (3, 0, 0)
    rows = outbox()
    assert [r["status"] for r in rows] == ["sent"] * 3
    assert all(r["last_error"] is None for r in rows)
    for row in rows:
        assert ralph.statement(row["statement_id"])["id"] == row["statement_id"]


class Unavailable(BaseHTTPRequestHandler):
    """An LRS behind a proxy that answers 503 (Ralph itself cannot be made to)."""

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b'{"detail": "Service Unavailable"}'
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


def test_a_5xx_answer_is_retried_with_back_off(app, client, learner, outbox, push):
    complete(client, LESSONS[0])
    server = HTTPServer(("127.0.0.1", 0), Unavailable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        app.config["XAPI_LRS_URL"] = f"http://127.0.0.1:{server.server_port}/xAPI/"
        now = utcnow()
        report = push(now)
    finally:
        server.shutdown()
        server.server_close()
    assert (report.sent, report.failed, report.retrying) == (0, 0, 1)
    assert report.errors == ["HTTP 503: Service Unavailable"]
    row = outbox()[0]
    assert (row["status"], row["attempts"], row["last_error"]) == ("waiting", 1, "HTTP 503: Service Unavailable")
    assert row["next_attempt_at"] == now + timedelta(minutes=1)


def test_a_statement_the_lrs_refuses_is_failed_with_its_reason_and_the_others_go(app, client, learner, outbox,
                                                                                  push, ralph):
    complete(client, *LESSONS)
    from sqlalchemy import update

    from course.extensions import db
    from course.models import XapiStatement

    bad = outbox()[1]
    payload = json.loads(bad["payload"])
    del payload["actor"]
    with app.app_context():
        db.session.execute(update(XapiStatement).where(XapiStatement.id == bad["id"])
                           .values(payload=json.dumps(payload)))
        db.session.commit()
    report = push()
    assert (report.sent, report.failed, report.retrying) == (2, 1, 0)
    rows = outbox()
    assert [r["status"] for r in rows] == ["sent", "failed", "sent"]
    assert rows[1]["last_error"] == "HTTP 422: actor: Field required"
    assert ralph.statement(rows[0]["statement_id"]) is not None
    assert ralph.statement(rows[1]["statement_id"]) is None
    assert push().sent == 0  # a failed statement stays failed until an administrator retries it


def test_wrong_credentials_are_recorded_as_failed(app, client, learner, outbox, push, ralph):
    complete(client, LESSONS[0])
    app.config["XAPI_LRS_SECRET"] = "not-the-secret"
    report = push()
    assert (report.sent, report.failed) == (0, 1)
    assert outbox()[0]["last_error"] == "HTTP 401: Invalid authentication credentials"


def test_sending_again_what_the_lrs_has_is_harmless(app, client, learner, outbox, push, ralph):
    complete(client, *LESSONS[:2])
    assert push().sent == 2
    # As if the sender had stopped after the LRS stored them, before recording it.
    set_rows(app, status="waiting", sent_at=None)
    complete(client, LESSONS[2])
    report = push()
    assert (report.sent, report.failed, report.retrying) == (3, 0, 0)
    assert [r["status"] for r in outbox()] == ["sent"] * 3
    assert ralph.statement(outbox()[2]["statement_id"]) is not None


def test_a_claim_left_by_a_sender_that_stopped_is_taken_again(app, client, learner, outbox, push, ralph):
    complete(client, LESSONS[0])
    set_rows(app, status="sending", claimed_by="gone:1/abc", claimed_at=utcnow() - timedelta(minutes=11))
    assert push().sent == 1


def test_xapi_push_command_reports_what_it_did(client, learner, runner, ralph):
    complete(client, *LESSONS[:2])
    result = runner.invoke(args=["xapi", "push"])
    assert result.exit_code == 0
    assert result.output == "xapi: 2 sent, 0 failed, 0 waiting to be retried\n"


def test_the_scheduler_process_sends_statements_every_minute(app, client, learner, outbox):
    from course.reminders.cli import run_forever
    from course.signals import scheduler_tick

    complete(client, LESSONS[0])
    stop = threading.Event()

    def stop_after_first_tick(_sender, **_extra):
        stop.set()

    scheduler_tick.connect(stop_after_first_tick)
    try:
        with app.app_context():
            run_forever(stop, echo=lambda _message: None)
    finally:
        scheduler_tick.disconnect(stop_after_first_tick)
    assert [r["status"] for r in outbox()] == ["sent"]
