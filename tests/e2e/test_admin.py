"""The administrator's journey: an account made on the command line, the learners, a filtered CSV export."""
import csv
import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from .helpers import MODULE_1, PASSWORD, assert_accessible, sign_in, unique_email

pytestmark = pytest.mark.e2e

CSV_COLUMNS = [
    "learner_id", "name", "email", "language", "time_zone", "registered_at",
    "module_id", "module_title", "lessons_completed", "lessons_total",
    "activities_completed", "activities_total", "quiz_best_score", "quiz_attempts",
    "quiz_passed", "module_started_at", "module_completed_at", "course_completed_at",
    "certificate_id", "certificate_issued_at",
]


@pytest.fixture(scope="module")
def admin_email(live_server):
    """An administrator created as the README says: `flask users create ... --password-stdin`."""
    email = unique_email("admin")
    result = live_server.app.test_cli_runner().invoke(
        args=["users", "create", email, "--role", "admin", "--name", "Ada Admin", "--password-stdin"],
        input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    return email


def test_admin_filters_and_downloads_a_csv(page, live_server, admin_email, tmp_path):
    # Two Polish learners: one has finished a lesson of module 1.
    busy = live_server.make_user(lang="pl", name="Zofia Busy", timezone="Europe/Warsaw")
    idle = live_server.make_user(lang="pl", name="Jan Idle")
    live_server.complete_lesson(busy, "customer-vs-consumer")

    sign_in(page, live_server, admin_email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    assert_accessible(page, "admin overview")

    # Find a learner by name.
    admin_nav = page.get_by_role("navigation", name="Administration")
    admin_nav.get_by_role("link", name="Learners").click()
    page.get_by_role("searchbox", name="Name or email").fill("Zofia Busy")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("table.learners tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(busy)
    expect(rows.first.get_by_role("progressbar").first).to_be_visible()
    assert_accessible(page, "learners, filtered")
    rows.first.get_by_role("link", name="Zofia Busy").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zofia Busy")
    assert_accessible(page, "one learner")

    # Export: module 1, Polish learners, as CSV.
    admin_nav.get_by_role("link", name="Completion records").click()
    page.get_by_label("Module", exact=True).select_option(MODULE_1)
    page.get_by_label("Learners' language").select_option("pl")
    assert_accessible(page, "export form")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="CSV for spreadsheets").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == CSV_COLUMNS
        records = list(reader)
    assert records, "no rows"
    assert {r["module_id"] for r in records} == {MODULE_1}
    assert {r["language"] for r in records} == {"pl"}
    by_email = {r["email"]: r for r in records}
    assert len(by_email) == len(records)  # one row per learner for one module
    lessons_total = str(len(live_server.course("pl").module(MODULE_1).lessons))
    assert by_email[busy]["lessons_completed"] == "1" and by_email[busy]["lessons_total"] == lessons_total
    assert by_email[busy]["name"] == "Zofia Busy" and by_email[busy]["time_zone"] == "Europe/Warsaw"
    assert by_email[busy]["module_started_at"] and not by_email[busy]["module_completed_at"]
    assert by_email[idle]["lessons_completed"] == "0" and not by_email[idle]["module_started_at"]
    assert by_email[busy]["module_title"] == live_server.course("pl").module(MODULE_1).module.title
    assert admin_email not in by_email  # administrators are not learners

    # A date filter keeps only modules completed in that period: none of these learners.
    page.goto("/en/admin/export")
    page.get_by_label("Completed from").fill(datetime.now(timezone.utc).date().isoformat())
    with page.expect_download() as download_info:
        page.get_by_role("button", name="CSV for spreadsheets").click()
    lines = download_info.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].split(",") == CSV_COLUMNS
    assert not any(busy in line or idle in line for line in lines[1:])

    # Each download is in the audit log, with its filters.
    admin_nav.get_by_role("link", name="Audit log").click()
    expect(page.locator("main")).to_contain_text(MODULE_1)
    assert_accessible(page, "audit log")


@pytest.fixture(scope="module")
def activity_data(browser, live_server):
    """Something for every admin page to show: module feedback, a quiz attempt, reminder deliveries."""
    email = live_server.make_user(lang="it", name="Lucia Dati")
    context = browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        sign_in(page, live_server, email, lang="it")
        page.goto(f"/it/modules/{MODULE_1}/feedback")
        page.locator('input[name="rating"][value="4"]').check()
        page.get_by_label(live_server.tr("it", "Comment (optional)")).fill("Molto utile, grazie.")
        page.get_by_role("button", name=live_server.tr("it", "Send feedback")).click()
        expect(page.locator(".flash-success")).to_be_visible()
        page.goto("/it/quizzes/john-lewis")
        for question in live_server.course("it").quiz("john-lewis")[0].questions:
            page.locator(f'input[name="q-{question.id}"]').first.check()
        page.locator("main form.quiz-form button[type=submit]").click()
        expect(page.locator(".score")).to_be_visible()
    finally:
        context.close()
    # Reminders fall due at 07:00 on weekdays: tick just before and just after next Monday's.
    runner = live_server.app.test_cli_runner()
    for moment in ("2026-11-30T06:59:00Z", "2026-11-30T07:01:00Z"):
        result = runner.invoke(args=["reminders", "tick", "--now", moment])
        assert result.exit_code == 0, result.output
    assert list(live_server.outbox.glob("*.eml")), "no reminder was sent"
    return email


ADMIN_PAGES = {
    "users": "/admin/users",
    "feedback": "/admin/feedback",
    "quiz-insight": "/admin/quizzes",
    "reminder-deliveries": "/admin/reminders/",
}


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_page_is_accessible(page, live_server, admin_email, activity_data, name):
    sign_in(page, live_server, admin_email)
    page.goto("/en" + ADMIN_PAGES[name])
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main table tbody tr").first).to_be_visible()  # with data, not an empty page
    assert_accessible(page, f"admin: {name}")


def test_export_with_a_wrong_date_is_accessible(page, live_server, admin_email):
    sign_in(page, live_server, admin_email)
    page.goto("/en/admin/export?format=csv&since=31/12/2026")
    since = page.get_by_label("Completed from")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(since).to_have_attribute("aria-invalid", "true")
    expect(since).to_have_accessible_description(re.compile("YYYY-MM-DD"))
    assert_accessible(page, "export with errors")


def test_learners_cannot_open_the_admin_area(page, live_server):
    sign_in(page, live_server, live_server.make_user())
    response = page.goto("/en/admin/")
    assert response.status == 403
    assert_accessible(page, "403 page")
