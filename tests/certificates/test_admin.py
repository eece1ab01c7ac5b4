"""Administrators see who holds a certificate, and revoke or reinstate one
(with a reason, audit-logged); the completion records carry it."""
import csv
import io
import json

from course.extensions import db
from course.models import AuditEvent, Certificate

from .conftest import certificate_of, complete_course


def _admin(make_user, auth):
    make_user(email="boss@example.org", role="admin", name="Boss")
    auth.login("boss@example.org")


def test_the_learners_page_shows_the_holders(app, client, make_user, auth):
    holder = make_user(email="holder@example.org", name="Holder")
    make_user(email="other@example.org", name="Other")
    complete_course(app, holder)
    _admin(make_user, auth)
    page = client.get("/en/admin/learners").get_data(as_text=True)
    assert '<th scope="col">Certificate</th>' in page
    rows = {name: row for name, row in
            ((n, r) for r in page.split("<tr>")[2:] for n in ("Holder", "Other") if f">{n}</a>" in r)}
    assert '<span class="badge done">Holder</span>' in rows["Holder"]
    assert '<span class="badge done">Holder</span>' not in rows["Other"]


def test_revoke_and_reinstate_with_a_reason(app, client, make_user, auth):
    learner = make_user(email="mallory@example.org", name="Mallory")
    complete_course(app, learner)
    public_id = certificate_of(app, learner).public_id
    _admin(make_user, auth)
    page = client.get(f"/en/admin/learners/{learner}").get_data(as_text=True)
    assert "Revoke the certificate" in page
    assert f"/verify/{public_id}" in page

    # No reason: refused, and nothing changes.
    response = client.post(f"/en/admin/learners/{learner}/certificate", data={"action": "revoke", "reason": "  "})
    assert response.status_code == 422
    assert "Give the reason: it goes into the audit log." in response.get_data(as_text=True)
    assert certificate_of(app, learner).revoked_at is None

    response = client.post(f"/en/admin/learners/{learner}/certificate",
                           data={"action": "revoke", "reason": "Quiz answers shared"})
    assert response.status_code == 302
    cert = certificate_of(app, learner)
    assert cert.revoked_at is not None and cert.revoked_reason == "Quiz answers shared"
    assert client.get(f"/verify/{public_id}.json").get_json()["status"] == "revoked"
    assert "Reinstate the certificate" in client.get(f"/en/admin/learners/{learner}").get_data(as_text=True)

    response = client.post(f"/en/admin/learners/{learner}/certificate",
                           data={"action": "reinstate", "reason": "Checked: answers were her own"})
    assert response.status_code == 302
    assert certificate_of(app, learner).revoked_at is None
    assert client.get(f"/verify/{public_id}.json").get_json()["status"] == "valid"

    with app.app_context():
        events = db.session.query(AuditEvent).order_by(AuditEvent.id).all()
        logged = [(e.action, e.actor_email, json.loads(e.details)) for e in events]
    assert logged == [
        ("certificate_revoke", "boss@example.org",
         {"certificate": public_id, "learner_id": learner, "learner_email": "mallory@example.org",
          "reason": "Quiz answers shared"}),
        ("certificate_reinstate", "boss@example.org",
         {"certificate": public_id, "learner_id": learner, "learner_email": "mallory@example.org",
          "reason": "Checked: answers were her own"}),
    ]
    audit_page = client.get("/en/admin/audit").get_data(as_text=True)
    assert "Certificate revoked" in audit_page and "Certificate reinstated" in audit_page


def test_only_administrators_revoke(app, client, make_user, auth):
    learner = make_user(email="l@example.org")
    complete_course(app, learner)
    url = f"/en/admin/learners/{learner}/certificate"
    assert client.post(url, data={"action": "revoke", "reason": "x"}).status_code == 302  # to sign in
    make_user(email="teacher@example.org", role="instructor")
    auth.login("teacher@example.org")
    assert client.post(url, data={"action": "revoke", "reason": "x"}).status_code == 403
    auth.logout()
    auth.login("l@example.org")
    assert client.post(url, data={"action": "revoke", "reason": "x"}).status_code == 403
    assert certificate_of(app, learner).revoked_at is None


def test_the_export_carries_the_certificate(app, client, make_user, auth, runner):
    holder = make_user(email="holder@example.org", name="Holder")
    make_user(email="other@example.org", name="Other")
    complete_course(app, holder)
    cert = certificate_of(app, holder)
    issued = cert.issued_at.isoformat(timespec="seconds").replace("+00:00", "Z")

    rows = list(csv.DictReader(io.StringIO(runner.invoke(args=["export", "completions", "--format", "csv"]).output)))
    assert list(rows[0])[-2:] == ["certificate_id", "certificate_issued_at"]
    by_email = {}
    for row in rows:
        by_email.setdefault(row["email"], set()).add((row["certificate_id"], row["certificate_issued_at"]))
    assert by_email == {"holder@example.org": {(cert.public_id, issued)}, "other@example.org": {("", "")}}

    lines = [json.loads(line) for line in
             runner.invoke(args=["export", "completions", "--format", "jsonl"]).output.splitlines()]
    assert {(r["email"], r["certificate_id"], r["certificate_issued_at"]) for r in lines} == {
        ("holder@example.org", cert.public_id, issued), ("other@example.org", None, None)}

    statements = json.loads(runner.invoke(args=["export", "completions", "--format", "xapi"]).output)
    earned = [s for s in statements if s["verb"]["id"] == "http://id.tincanapi.com/verb/earned"]
    assert len(earned) == 1
    statement = earned[0]
    assert statement["actor"]["account"] == {"homePage": "http://aula.test", "name": str(holder)}
    assert statement["object"]["id"] == "http://aula.test/xapi/courses/customer-service"
    assert statement["result"]["extensions"] == {"http://aula.test/xapi/extensions/certificate": {
        "id": cert.public_id, "url": f"http://aula.test/verify/{cert.public_id}", "issued_at": issued}}
    assert statement["timestamp"].startswith(issued[:19])
    from tests.admin.xapi_rules import problems
    assert problems(statement) == []

    # A revoked certificate is no longer exported.
    with app.app_context():
        db.session.query(Certificate).update({"revoked_at": cert.issued_at, "revoked_reason": "test"})
        db.session.commit()
    statements = json.loads(runner.invoke(args=["export", "completions", "--format", "xapi"]).output)
    assert [s for s in statements if s["verb"]["id"].endswith("/earned")] == []
