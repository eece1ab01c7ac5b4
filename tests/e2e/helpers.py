"""Shared steps of the end-to-end tests."""
import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import LANGS, PASSWORD, SCREENSHOTS, unique_email  # noqa: F401  (used by the tests)

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()

MODULE_1 = "external-customers"
LESSON_WITH_DETAILS = "customer-vs-consumer"


def assert_accessible(page: Page, what: str = "") -> None:
    """axe-core finds no WCAG 2.1 A or AA violation on the page as it is now."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA},
                                      "resultTypes": ["violations"]})
    assert results.violations_count == 0, f"{what or page.url}\n{results.generate_report()}"
    assert unlabelled_controls(page) == [], f"{what or page.url}: form controls without a label"


def unlabelled_controls(page: Page) -> list[str]:
    """Visible form controls and buttons that have no accessible name."""
    return page.evaluate("""() => {
        const missing = [];
        const controls = document.querySelectorAll('input:not([type=hidden]), select, textarea, button');
        for (const el of controls) {
            if (el.closest('[hidden]')) continue;
            const named = (el.labels && [...el.labels].some(l => l.textContent.trim())) ||
                (el.getAttribute('aria-label') || '').trim() ||
                (el.getAttribute('aria-labelledby') || '').split(/\\s+/).some(id => id && document.getElementById(id)) ||
                (el.tagName === 'BUTTON' && el.textContent.trim()) ||
                (['submit', 'button', 'reset'].includes(el.type) && el.tagName === 'INPUT' && el.value.trim());
            if (!named) missing.push(el.outerHTML.slice(0, 160));
        }
        return missing;
    }""")


def register(page: Page, server, lang: str, name: str = "Ada Lovelace", email: str | None = None) -> str:
    """Create an account through the form, then open the confirmation link emailed to it:
    the browser is then signed in."""
    email = email or unique_email()
    page.goto(f"/{lang}/register")
    page.get_by_label(server.tr(lang, "Your name")).fill(name)
    page.get_by_label(server.tr(lang, "Email address")).fill(email)
    page.get_by_label(server.tr(lang, "Password"), exact=True).fill(PASSWORD)
    expect(page.get_by_label(server.tr(lang, "Course language"))).to_have_value(lang)
    page.get_by_role("button", name=server.tr(lang, "Create my account")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(server.tr(lang, "Check your email"))
    page.goto(confirmation_link(server, email))
    expect(page).to_have_url(re.compile(rf"/{lang}/$"))
    expect(page.locator(".flash-success")).to_contain_text(name)
    return email


def confirmation_link(server, address: str) -> str:
    """The path of the confirmation link in the email the live server wrote to `address` (waits for it:
    the server sends it once the page has gone out)."""
    import email as email_parser
    import time
    from email import policy

    deadline = time.monotonic() + 30
    while True:
        for path in sorted(server.outbox.glob("*.eml")):
            message = email_parser.message_from_bytes(path.read_bytes(), policy=policy.default)
            if message["To"].addresses[0].addr_spec == address:
                text = message.get_body(("plain",)).get_content()
                return re.search(r"https?://[^/\s]+(/\w\w/(?:reminders/)?confirm/\S+)", text)[1]
        assert time.monotonic() < deadline, f"no confirmation email to {address}"
        time.sleep(0.1)


def sign_in(page: Page, server, email: str, lang: str = "en", password: str = PASSWORD) -> None:
    page.goto(f"/{lang}/login")
    page.get_by_label(server.tr(lang, "Email address")).fill(email)
    page.get_by_label(server.tr(lang, "Password"), exact=True).fill(password)
    page.locator("main").get_by_role("button", name=server.tr(lang, "Sign in")).click()
    expect(page.get_by_role("button", name=server.tr(lang, "Sign out"))).to_be_visible()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    return path


def horizontal_overflow(page: Page) -> list[str]:
    """Elements wider than the viewport (empty when there is no horizontal scrolling)."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width) return [];
        const wide = [];
        for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.right > width + 1 && r.width > 0) {
                wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                          (el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\\s+/g, '.') : '') +
                          ' right=' + Math.round(r.right));
            }
        }
        return wide.length ? wide.slice(0, 15) : ['document scrollWidth ' + document.documentElement.scrollWidth];
    }""")


def progress_value(page: Page, scope: str = "") -> int:
    """The value of the first progress bar (in `scope`), 0 to 100."""
    return int(page.locator(f"{scope} progress".strip()).first.get_attribute("value"))


_FOCUS_JS = r"""(target) => {
    const el = document.activeElement;
    if (!el || el === document.body) return {here: false, visible: true, what: 'body'};
    const s = getComputedStyle(el);
    const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                                         .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    let bg = [255, 255, 255];
    for (let node = el.parentElement; node; node = node.parentElement) {
        const c = rgb(getComputedStyle(node).backgroundColor);
        if (c.length >= 3 && (c.length === 3 || c[3] > 0)) { bg = c; break; }
    }
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    // WCAG 2.4.7 and 1.4.11: a focus ring at least 2px wide, with 3:1 contrast against the page behind it.
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && ratio(rgb(s.outlineColor), bg) >= 3;
    const r = el.getBoundingClientRect();
    const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
                     r.top < window.innerHeight && r.left < window.innerWidth;
    const what = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                 ' "' + (el.textContent || el.value || el.name || '').trim().slice(0, 40) + '"' +
                 (outline ? '' : ' (no visible outline)') + (onScreen ? '' : ' (off screen)');
    return {here: el === target, visible: Boolean(outline && onScreen), what: what};
}"""


class Keyboard:
    """Move through a page with Tab alone, checking at every stop that the focus is visible."""

    def __init__(self, page: Page, limit: int = 200):
        self.page = page
        self.limit = limit
        self.invisible: list[str] = []   # focus stops without a visible focus indicator
        self.stops = 0

    def tab_to(self, target, key: str = "Tab") -> None:
        handle = target.first.element_handle()  # (waits for it; one lookup, not one per key press)
        try:
            for _ in range(self.limit):
                self.page.keyboard.press(key)
                self.stops += 1
                state = handle.evaluate(_FOCUS_JS)
                if not state["visible"]:
                    self.invisible.append(f"{self.page.url}: {state['what']}")
                if state["here"]:
                    return
        finally:
            handle.dispose()
        raise AssertionError(f"{target} not reached with {key} after {self.limit} presses on {self.page.url}")

    def skip_to_main(self) -> None:
        """On a newly loaded page: the first Tab reaches "Skip to content", which moves to the main content."""
        skip = self.page.locator("a.skip-link")
        self.tab_to(skip)
        self.page.keyboard.press("Enter")
        expect(self.page.locator("main")).to_be_focused()

    def activate(self, target, key: str = "Enter") -> None:
        self.tab_to(target)
        self.page.keyboard.press(key)

    def type_into(self, target, text: str) -> None:
        self.tab_to(target)
        self.page.keyboard.type(text)
