"""End-to-end fixtures: the real app served on 127.0.0.1, driven by Debian's Chromium.

One server, one browser and one browser tab per session (per xdist worker):
opening a tab costs Chromium far more than a test's page loads (a new
renderer process), so the tests share the tab, and between two tests it is
reset to what a new context's first page is (`reset_tab`: about:blank, no
cookies, no stored data, an empty HTTP cache, no routes, the default
viewport). Tests that need other context options (JavaScript off, a time
zone) or two users at once open their own context. Every test creates its
own accounts, so the tests do not depend on one another's data.
"""
import json
import os
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from course import create_app
from course.config import PROJECT_ROOT
from tests.clients.pages import record_pages
from tests.results import fresh_for_this_run

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery"
SCREENSHOTS = PROJECT_ROOT / "test-results" / "screenshots"
LANGS = ("it", "es", "pl", "en")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        # One line, not one error per browser test (`make test` installs it as root).
        pytest.exit(f"{CHROMIUM} is missing: apt-get install chromium (make test does it as root)", returncode=3)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


def pytest_collection_modifyitems(items):
    """Tests marked `last` check what all the others left (the pages they visited): they run last.

    On pytest-xdist workers no test can know the others are done: there they are skipped, and
    run in a step of their own afterwards (`make test` does, see the Makefile).
    """
    last = [item for item in items if item.get_closest_marker("last")]
    items[:] = [item for item in items if not item.get_closest_marker("last")] + last
    if os.environ.get("PYTEST_XDIST_WORKER"):
        for item in last:
            item.add_marker(pytest.mark.skip(reason="checks what every other test left: run it after them, "
                                                    "without -n (as `make test` does)"))


@dataclass
class LiveServer:
    app: object
    url: str
    outbox: Path

    def make_user(self, email=None, password=PASSWORD, role="learner", lang="en", name=None,
                  timezone="UTC") -> str:
        """Create an account straight in the database (as `flask users create` does)."""
        from course.auth.accounts import create_user

        email = email or unique_email(role)
        with self.app.app_context():
            create_user(email, password, name=name or role.title(), role=role, lang=lang,
                        timezone=timezone, confirmed=True)
        return email

    def complete_lesson(self, email: str, lesson_id: str) -> None:
        """Progress made straight through the app's own rule (for pages that show others' progress)."""
        from sqlalchemy import select

        from course.content import get_content
        from course.extensions import db
        from course.learn.progress import set_lesson_complete
        from course.models import User

        with self.app.app_context():
            user = db.session.scalar(select(User).where(User.email == email))
            view = get_content().course(user.lang)
            set_lesson_complete(user, view, view.lesson(lesson_id))

    def tr(self, lang: str, message: str, **variables) -> str:
        """The UI string `message` as the app shows it in `lang`.

        A phrase (two words or more) must have a translation: otherwise the page
        would show English and a test looking for this text would not notice.
        """
        from flask_babel import force_locale, gettext

        with self.app.test_request_context(f"/{lang}/"), force_locale(lang):
            translated = gettext(message)
            assert lang == "en" or translated != message or " " not in message, f"no {lang} translation: {message!r}"
            return gettext(message, **variables)

    def percent(self, lang: str, fraction: float) -> str:
        """A fraction as the app shows it in `lang` (60%, 60 %, ...)."""
        from flask_babel import force_locale, format_percent

        with self.app.test_request_context(f"/{lang}/"), force_locale(lang):
            return format_percent(fraction)

    def course(self, lang: str):
        """The course as the app serves it in `lang` (titles to look for on the pages)."""
        from course.content import get_content

        with self.app.app_context():
            return get_content().course(lang)

    def query(self, sql: str, **params):
        """Rows straight from the database, to check what a page claims."""
        from sqlalchemy import text

        from course.extensions import db

        with self.app.app_context():
            return db.session.execute(text(sql), params).all()


def unique_email(prefix="learner") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def read_whole(app):
    """The app, each response read (and closed) here before the server writes it.

    werkzeug's development server closes a response only after reading what is
    left of the request; when the browser has reset the connection (it went to
    another page), that read raises, and a static file's response stays open: a
    ResourceWarning in the server's thread, which this suite's warnings filter
    turns into a failure of whichever test is running.
    """
    def wsgi(environ, start_response):
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return wsgi


@pytest.fixture(scope="session")
def live_server(migrated_db, database_store, tmp_path_factory):
    """The real app (CSRF on, not in testing mode) on a free port, in a background thread."""
    folder = tmp_path_factory.mktemp("e2e")
    app = create_app({
        "SECRET_KEY": "e2e-secret-" + uuid.uuid4().hex,
        "SQLALCHEMY_DATABASE_URI": database_store.clone(migrated_db),
        "CONTENT_DIR": str(PROJECT_ROOT / "content"),
        "OUTBOX_DIR": str(folder / "outbox"),
        "BASE_URL": "http://127.0.0.1",
        # Cheap password hashing (as in tests/conftest.py): dozens of accounts are made per run.
        "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
    })
    record_pages(app)  # for the Nu Html Checker (test_html_validity.py)
    server = make_server("127.0.0.1", 0, read_whole(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}", outbox=folder / "outbox")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            from course.extensions import db

            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def base_url(live_server):
    """page.goto("/en/") goes to the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    """Every context of these tests talks to this live server.

    (pytest-playwright's own browser_context_args is computed once per session,
    from the first `base_url` asked for: another folder's server, if a test
    there ran first.)
    """
    return {**browser_context_args, "base_url": live_server.url}


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """test-results/screenshots/, emptied once per run so that it holds this run's pictures only."""
    return fresh_for_this_run(SCREENSHOTS)


def _signed_in_state(browser, live_server, folder, email) -> str:
    from .helpers import sign_in

    context = browser.new_context(base_url=live_server.url)
    try:
        sign_in(context.new_page(), live_server, email)
        path = folder / "state.json"
        context.storage_state(path=str(path))
    finally:
        context.close()
    return str(path)


@pytest.fixture(scope="session")
def learner_state(browser, live_server, tmp_path_factory) -> str:
    """Cookies of a signed-in learner (English), for tests that only look at pages."""
    email = live_server.make_user(lang="en", name="Grace Hopper")
    return _signed_in_state(browser, live_server, tmp_path_factory.mktemp("learner"), email)


@pytest.fixture(scope="session")
def admin_state(browser, live_server, tmp_path_factory) -> str:
    """Cookies of a signed-in administrator (English), for tests that only look at pages."""
    email = live_server.make_user(role="admin", lang="en", name="Ada Admin")
    return _signed_in_state(browser, live_server, tmp_path_factory.mktemp("admin"), email)


class ConsoleProblems(list):
    """What the browser reported; `stop()` removes the listeners (the shared tab outlives a test)."""
    stop = None


def watch_console(page) -> ConsoleProblems:
    """Script errors and console errors (a CSP violation, a failed request) the page reports."""
    problems = ConsoleProblems()

    def on_console(message):
        if message.type != "error":
            return
        # A page served with 404 or 422 on purpose (an error page, a form with errors) is not a problem.
        if message.text.startswith("Failed to load resource") and message.location.get("url") == page.url:
            return
        problems.append(f"{page.url}: {message.text} ({message.location.get('url')})")

    def on_error(error):
        problems.append(f"{page.url}: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_error)
    problems.stop = lambda: (page.remove_listener("console", on_console),
                             page.remove_listener("pageerror", on_error))
    return problems


@dataclass
class Tab:
    """The worker's one browser tab, and what resetting it needs."""
    page: object
    origin: str
    viewport: dict
    cdp: object
    clean: bool = False  # reset since a test last had it

    def fresh(self):
        """The tab as a new context's first page; a new tab if a test closed this one, or if it
        cannot be reset (its renderer crashed)."""
        if not self.page.is_closed() and not self.clean:
            try:
                reset_tab(self)
            except PlaywrightError:
                self.page.close()
        if self.page.is_closed():
            self.page = self.page.context.new_page()
            self.cdp = self.page.context.new_cdp_session(self.page)
            reset_tab(self)  # the context's cookies and the site's storage outlive the tab
        self.clean = False
        return self.page


def reset_tab(tab: Tab) -> None:
    """Leave the tab as a new context's first page would be: no document of the site open (its
    timers stopped), no cookies, no local or session storage, IndexedDB or cache storage for the
    site, an empty HTTP cache, no routes, no granted permissions, the context's viewport."""
    page = tab.page
    page.unroute_all(behavior="ignoreErrors")
    page.goto("about:blank")
    page.context.clear_cookies()
    page.context.clear_permissions()
    # "all" includes the tab's sessionStorage for the site, which about:blank does not drop.
    tab.cdp.send("Storage.clearDataForOrigin", {"origin": tab.origin, "storageTypes": "all"})
    tab.cdp.send("Network.clearBrowserCache")
    if page.viewport_size != tab.viewport:
        page.set_viewport_size(tab.viewport)
    tab.clean = True


@pytest.fixture(scope="session")
def _tab(browser, browser_context_args, live_server):
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    try:
        yield Tab(page=page, origin=live_server.url, viewport=page.viewport_size,
                  cdp=context.new_cdp_session(page))
    finally:
        context.close()


@pytest.fixture
def blank_page(_tab):
    """The worker's browser tab, reset (see `reset_tab`), with no console watch; reset again
    afterwards, so nothing of this test runs on into the next."""
    page = _tab.fresh()
    yield page
    if not page.is_closed():
        reset_tab(_tab)


@pytest.fixture
def page(blank_page):
    """A fresh page (the shared tab, reset), failing the test if the browser reports an error."""
    problems = watch_console(blank_page)
    yield blank_page
    problems.stop()
    assert problems == [], "the browser reported errors"


def sign_in_as(page, state_path: str) -> None:
    """Give the page's context the cookies a `storage_state` file holds (as new_context(storage_state=...)
    would; these states hold cookies only: the site keeps nothing in the browser's storage)."""
    state = json.loads(Path(state_path).read_text())
    assert not any(origin.get("localStorage") for origin in state.get("origins", [])), \
        "the state holds local storage: load it as new_context(storage_state=...) does"
    page.context.add_cookies(state["cookies"])


@pytest.fixture
def learner_page(page, learner_state):
    """A page signed in as the shared learner (do not change their progress)."""
    sign_in_as(page, learner_state)
    return page
