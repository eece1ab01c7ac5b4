"""The browser tab the tests share (tests/e2e/conftest.py) is reset between tests to what a
new context's first page is: nothing one test leaves reaches the next."""
import pytest
from playwright.sync_api import Error as PlaywrightError, expect

from .conftest import reset_tab, sign_in_as
from .helpers import sign_in

pytestmark = pytest.mark.e2e

READ_STORAGE = """async () => ({
    local: localStorage.length, session: sessionStorage.length, cookies: document.cookie,
    databases: (await indexedDB.databases()).length, caches: (await caches.keys()).length})"""
EMPTY = {"local": 0, "session": 0, "cookies": "", "databases": 0, "caches": 0}


def test_a_reset_tab_is_signed_out_with_nothing_stored(blank_page, _tab, live_server, learner_state):
    page = blank_page
    assert page.url == "about:blank" and page.context.cookies() == []
    assert page.viewport_size == _tab.viewport

    # Everything a test can leave behind: a session, stored data of every kind, a route, a viewport.
    sign_in(page, live_server, live_server.make_user())
    page.evaluate("""async () => {
        localStorage.setItem('left', 'by a test'); sessionStorage.setItem('left', 'by a test');
        document.cookie = 'left=by-a-test';
        await new Promise(done => { indexedDB.open('left-by-a-test').onsuccess = e => { e.target.result.close(); done(); }; });
        await caches.open('left-by-a-test');
    }""")
    assert page.evaluate(READ_STORAGE) == {"local": 1, "session": 1, "cookies": "left=by-a-test",
                                           "databases": 1, "caches": 1}
    page.route("**/static/**", lambda route: route.abort())
    page.set_viewport_size({"width": 375, "height": 600})

    reset_tab(_tab)

    assert page.url == "about:blank" and page.context.cookies() == []
    assert page.viewport_size == _tab.viewport
    response = page.goto("/en/")
    assert response.status == 200
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()  # signed out
    assert page.evaluate(READ_STORAGE) == EMPTY
    # The route is gone: the page's stylesheet loads.
    assert page.evaluate("() => [...document.styleSheets].every(sheet => {"
                         "  try { return sheet.cssRules.length > 0; } catch (error) { return false; } })")

    # What learner_page adds is the shared learner's session cookie (HttpOnly), nothing else.
    reset_tab(_tab)
    sign_in_as(page, learner_state)
    page.goto("/en/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.evaluate(READ_STORAGE) == EMPTY


def test_a_tab_a_test_closed_is_replaced_by_a_clean_one(blank_page, _tab, live_server):
    sign_in(blank_page, live_server, live_server.make_user())
    blank_page.evaluate("() => localStorage.setItem('left', 'by a test')")
    blank_page.close()
    _tab.clean = False  # (the test's own reset is skipped for a closed tab)

    page = _tab.fresh()

    assert page is not blank_page and not page.is_closed()
    assert page.url == "about:blank" and page.context.cookies() == []
    page.goto("/en/")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()
    assert page.evaluate(READ_STORAGE) == EMPTY


def test_a_tab_whose_renderer_crashed_is_replaced_by_a_clean_one(blank_page, _tab, live_server):
    sign_in(blank_page, live_server, live_server.make_user())
    try:
        blank_page.goto("chrome://crash")  # Chromium's own way to crash the tab's renderer
    except PlaywrightError:
        pass  # the navigation itself fails as the renderer dies
    _tab.clean = False  # as after a test: `fresh` must reset the tab, which now fails

    page = _tab.fresh()

    assert page is not blank_page and blank_page.is_closed() and not page.is_closed()
    assert page.url == "about:blank" and page.context.cookies() == []
    page.goto("/en/")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()
    assert page.evaluate(READ_STORAGE) == EMPTY
