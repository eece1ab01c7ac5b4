"""The Nu Html Checker (vnu, the W3C's validator) finds no error in any page
the browser tests visited, nor in the HTML part of any email the app sent.

The live server records every HTML answer it gives (tests/clients/pages.py);
this test runs after all the others (marker `last`) and checks them all with
one JVM start. Run alone, it still visits the pages of the issue that found
errors (an admin's learner page, feedback, export) and the main pages, and
sends every kind of email in every language.
"""
import email
from email import policy

import pytest

from tests.clients.pages import recorded
from tests.conftest import csrf_token_from as _token
from tests.clients.tools import nu_html_check

from .helpers import LANGS, MODULE_1, LESSON_WITH_DETAILS, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.clients, pytest.mark.last]


def send_every_kind_of_email(live_server) -> None:
    """A confirmation email (registration) and a study reminder, in every language."""
    client = live_server.app.test_client()
    for lang in LANGS:
        token = _token(client.get(f"/{lang}/register").get_data(as_text=True))
        response = client.post(f"/{lang}/register", data={
            "csrf_token": token, "name": f"Nu {lang}", "email": f"nu-{lang}-{id(client)}@example.com",
            "password": "correct horse battery", "lang": lang, "timezone": "UTC"}, buffered=True)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        live_server.make_user(lang=lang, name=f"Nu {lang}")
    runner = live_server.app.test_cli_runner()
    for moment in ("2027-01-04T06:59:00Z", "2027-01-04T07:01:00Z"):  # a Monday, 07:00 UTC
        result = runner.invoke(args=["reminders", "tick", "--now", moment])
        assert result.exit_code == 0, result.output


def html_parts(outbox, folder) -> dict[str, str]:
    """{file: 'email: subject'} of the HTML part of every email in the outbox, one file each."""
    found = {}
    for number, path in enumerate(sorted(outbox.glob("*.eml"))):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        part = message.get_body(preferencelist=("html",))
        assert part is not None, f"{path.name} has no HTML part"
        target = folder / f"email-{number:04d}.html"
        target.write_text(part.get_content(), encoding="utf-8")
        found[str(target)] = f"email {path.name}: {message['Subject']}"
    return found


def test_every_page_and_email_is_valid_html(browser, live_server, tmp_path):
    admin = live_server.make_user(role="admin")
    learner = live_server.make_user(lang="it", name="Nu Learner")
    (learner_id,), = live_server.query("SELECT id FROM users WHERE email = :email", email=learner)
    context = browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        for path in ("/en/", f"/it/modules/{MODULE_1}", f"/pl/modules/{MODULE_1}/{LESSON_WITH_DETAILS}",
                     "/es/login", "/en/register"):
            page.goto(path)
        sign_in(page, live_server, learner, lang="it")
        page.goto(f"/it/modules/{MODULE_1}/feedback")
        page.locator('input[name="rating"][value="3"]').check()
        page.locator("main form button[type=submit]").click()
        page.goto("/it/reminders/")
        context.clear_cookies()
        sign_in(page, live_server, admin)
        for path in (f"/en/admin/learners/{learner_id}", "/en/admin/feedback", "/en/admin/export",
                     "/en/admin/export?format=csv&since=31/12/2026"):
            page.goto(path)
    finally:
        context.close()
    send_every_kind_of_email(live_server)

    files = {**recorded(), **html_parts(live_server.outbox, tmp_path)}
    kinds = {where.split(" ")[0] for where in files.values()}
    assert {"GET", "POST", "email"} <= kinds, kinds
    errors = [f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}, line {m.get('lastLine')}: "
              f"{m['message']}" for m in nu_html_check(list(files))]
    assert errors == [], f"{len(errors)} errors in {len(files)} pages and emails:\n" + "\n".join(errors)
