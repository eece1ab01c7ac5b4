"""Shared steps of the end-to-end tests."""
import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import LANGS, PASSWORD, SCREENSHOTS, unique_email  # noqa: F401

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
    """Create an account through the form; the browser is then signed in."""
    email = email or unique_email()
    page.goto(f"/{lang}/register")
    page.get_by_label(server.tr(lang, "Your name")).fill(name)
    page.get_by_label(server.tr(lang, "Email address")).fill(email)
    page.get_by_label(server.tr(lang, "Password"), exact=True).fill(PASSWORD)
    expect(page.get_by_label(server.tr(lang, "Course language"))).to_have_value(lang)
    page.get_by_role("button", name=server.tr(lang, "Create my account")).click()
    expect(page).to_have_url(re.compile(rf"/{lang}/$"))
    expect(page.locator(".flash-success")).to_contain_text(name)
    return email


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
