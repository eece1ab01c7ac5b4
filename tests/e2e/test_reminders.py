"""Study reminders in the browser, in each language: switch a day on, move a time with +."""
import re

import pytest
from babel.dates import get_day_names
from playwright.sync_api import expect

from .helpers import LANGS, assert_accessible, register

pytestmark = pytest.mark.e2e

MONDAY, SATURDAY = 0, 5


def day_name(lang: str, weekday: int) -> str:
    return str(get_day_names("wide", locale=lang)[weekday]).capitalize()


@pytest.mark.parametrize("lang", LANGS)
def test_turn_on_saturday_and_move_monday(page, live_server, lang):
    tr = live_server.tr
    email = register(page, live_server, lang)
    page.get_by_role("navigation", name=tr(lang, "Main")).get_by_role("link", name=tr(lang, "Reminders")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(lang, "Study reminders"))
    assert_accessible(page, f"reminders ({lang})")

    monday, saturday = day_name(lang, MONDAY), day_name(lang, SATURDAY)
    saturday_box = page.get_by_role("checkbox", name=saturday, exact=True)
    monday_time = page.get_by_label(tr(lang, "Time on %(day)s", day=monday), exact=True)
    later = page.get_by_role("button", name=tr(lang, "%(day)s: 30 minutes later", day=monday), exact=True)
    status = page.locator(".reminder-status")

    # The defaults: Monday to Friday at 07:00.
    expect(page.get_by_role("checkbox", name=monday, exact=True)).to_be_checked()
    expect(saturday_box).not_to_be_checked()
    expect(monday_time).to_have_value("07:00")

    saturday_box.check()
    expect(status).to_have_text(tr(lang, "Your reminders have been saved."))
    for expected in ("07:30", "08:00", "08:30"):
        later.click()
        expect(monday_time).to_have_value(expected)
    expect(status).to_contain_text(monday)

    page.reload()
    expect(saturday_box).to_be_checked()
    expect(monday_time).to_have_value("08:30")
    expect(page.locator("#day-0 .reminder-time")).to_contain_text(re.compile(r"8[:.]30"))
    rows = dict(live_server.query(
        "SELECT s.weekday, s.minute FROM reminder_schedules s JOIN users u ON u.id = s.user_id "
        "WHERE u.email = :email AND s.enabled", email=email))
    assert sorted(rows) == [0, 1, 2, 3, 4, 5]
    assert rows[MONDAY] == 8 * 60 + 30 and rows[1] == 7 * 60
