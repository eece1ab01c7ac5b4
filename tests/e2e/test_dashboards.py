"""The dashboards in a real browser: every language, at 375 and 1280 px,
no horizontal scrolling, axe clean; screenshots of each in
test-results/screenshots/."""
import pytest
from playwright.sync_api import expect

from .helpers import LANGS, MODULE_1, assert_accessible, horizontal_overflow, screenshot, sign_in

pytestmark = pytest.mark.e2e

WIDTHS = (375, 1280)


def look(page, live_server, lang, url, heading, name):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(live_server.tr(lang, heading))
        charts = page.locator("figure svg.chart[role=img]")
        assert charts.count() >= 2
        for i in range(charts.count()):  # every chart drawn, and its caption there
            box = charts.nth(i).bounding_box()
            assert box["width"] > 300 and box["height"] > 40
            assert box["width"] <= width
        assert page.locator("figure figcaption").count() == charts.count()
        assert horizontal_overflow(page) == [], f"{url} at {width} px"
        screenshot(page, f"{name}-{lang}-{width}")
    # The tables behind the charts open from their summary, by keyboard too.
    summary = page.locator("details.chart-data summary").first
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details.chart-data table").first).to_be_visible()
    assert_accessible(page, f"{name} ({lang})")


@pytest.mark.parametrize("lang", LANGS)
def test_my_progress_in_every_language(page, live_server, screenshots, lang):
    email = live_server.make_user(lang=lang, name="Maria Chart")
    live_server.complete_lesson(email, "customer-vs-consumer")
    live_server.complete_lesson(email, "service-starts-with-people")
    sign_in(page, live_server, email, lang=lang)
    look(page, live_server, lang, f"/{lang}/my/progress", "My progress", "dashboard-learner")
    view = live_server.course(lang)
    total = len(view.module(MODULE_1).published_lessons())
    expect(page.locator("table").first).to_contain_text(live_server.tr(lang, "%(done)s of %(total)s", done=2, total=total))
    resume = view.lesson("internal-and-external-customers")
    expect(page.get_by_role("link", name=live_server.tr(lang, "Continue: %(title)s", title=resume.lesson.title))
           ).to_have_attribute("href", f"/{lang}/modules/{MODULE_1}/{resume.id}")


@pytest.mark.parametrize("lang", LANGS)
def test_admin_dashboard_in_every_language(page, live_server, screenshots, lang):
    busy = live_server.make_user(lang=lang)
    live_server.complete_lesson(busy, "customer-vs-consumer")
    email = live_server.make_user(role="admin", lang=lang)
    sign_in(page, live_server, email, lang=lang)
    look(page, live_server, lang, f"/{lang}/admin/dashboard", "Dashboard", "dashboard-admin")
    page.locator("details.chart-data").filter(has=page.locator("table.active-table")).locator("summary").click()
    expect(page.locator("table.active-table")).to_be_visible()
    # "Refresh now" recomputes the stored figures, and says so.
    page.get_by_role("button", name=live_server.tr(lang, "Refresh now")).click()
    expect(page).to_have_url(f"{live_server.url}/{lang}/admin/dashboard")
    said = live_server.tr(lang, "The figures were computed again at %(when)s (UTC).", when="|").split("|")[0]
    expect(page.locator(".flashes .flash-success")).to_contain_text(said)
    expect(page.locator("#figures-as-of")).to_contain_text("(UTC)")
