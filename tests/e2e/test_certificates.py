"""The certificate pages in a real browser: in every language, accessible
(axe), at phone and desktop widths, with screenshots in test-results/."""
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.certificates.conftest import complete_course

from .helpers import LANGS, assert_accessible, horizontal_overflow, screenshot, sign_in


def pdf_first_page_png(body: bytes, stem: Path) -> Path:
    """The PDF's first page as a PNG, drawn by poppler's pdftoppm (as a reader sees it)."""
    source = stem.with_suffix(".pdf")
    source.write_bytes(body)
    subprocess.run(["pdftoppm", "-png", "-r", "96", "-singlefile", "-f", "1", "-l", "1", str(source), str(stem)],
                   check=True, timeout=60)
    source.unlink()
    png = stem.with_suffix(".png")
    assert png.stat().st_size > 10_000
    return png


def _finish(server, lang: str, name: str, modules=None) -> tuple[str, str | None]:
    """(email, certificate id) of a learner who completed the course (or only `modules`)."""
    from course.extensions import db
    from course.models import Certificate, User

    email = server.make_user(lang=lang, name=name)
    with server.app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
    complete_course(server.app, user_id, modules=modules)
    with server.app.app_context():
        public_id = db.session.scalar(select(Certificate.public_id).where(Certificate.user_id == user_id))
    return email, public_id


@pytest.mark.e2e
@pytest.mark.parametrize("lang", LANGS)
def test_certificate_and_verification_pages(page: Page, live_server, screenshots, lang):
    email, public_id = _finish(live_server, lang, "Łucja Żółć-Núñez")
    sign_in(page, live_server, email, lang)
    page.goto(f"/{lang}/")
    page.get_by_role("link", name=live_server.tr(lang, "See your certificate")).click()
    expect(page).to_have_url(re.compile(rf"/{lang}/my/certificate$"))
    expect(page.get_by_role("heading", level=2, name=live_server.tr(lang, "Certificate of completion"))).to_be_visible()
    expect(page.locator(".certificate-name")).to_have_text("Łucja Żółć-Núñez")
    expect(page.locator("svg.qr-code")).to_be_visible()
    assert_accessible(page, f"certificate page ({lang})")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert horizontal_overflow(page) == []
        screenshot(page, f"certificate-{lang}-{width}")

    pdf = page.request.get(f"/{lang}/my/certificate.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    pdf_first_page_png(pdf.body(), screenshots / f"certificate-pdf-{lang}")

    expect(page.locator(".verify-url a")).to_have_text(f"{live_server.app.config['BASE_URL']}/verify/{public_id}")
    page.goto(f"/verify/{public_id}", referer=None)  # the QR code's address: the visitor's language
    page.goto(f"/{lang}/verify/{public_id}")
    expect(page.locator(".verify-status.valid")).to_contain_text(live_server.tr(lang, "Valid"))
    assert_accessible(page, f"verification page ({lang})")
    screenshot(page, f"certificate-verify-{lang}-1280")


@pytest.mark.e2e
def test_todo_and_unknown_pages(page: Page, live_server, screenshots):
    email, public_id = _finish(live_server, "es", "Lucía", modules=["external-customers"])
    assert public_id is None
    sign_in(page, live_server, email, "es")
    page.goto("/es/my/certificate")
    expect(page.get_by_role("heading", level=2, name=live_server.tr("es", "Still to do"))).to_be_visible()
    assert_accessible(page, "certificate to-do page")
    screenshot(page, "certificate-todo-es-1280")

    page.goto("/es/verify/7k2qm9xa4td3h8rwn5cb")
    expect(page.get_by_role("heading", level=1, name=live_server.tr("es", "Certificate not found"))).to_be_visible()
    assert_accessible(page, "unknown certificate page")
    page.get_by_label(live_server.tr("es", "Certificate id")).fill("123")
    page.get_by_role("button", name=live_server.tr("es", "Check")).click()
    expect(page.locator("#certificate-id-error")).to_be_visible()
    assert_accessible(page, "certificate id form with an error")


@pytest.mark.e2e
def test_an_administrator_revokes_and_reinstates(page: Page, live_server, screenshots):
    email, public_id = _finish(live_server, "it", "Mallory Rossi")
    admin = live_server.make_user(role="admin", lang="en", name="Ada Admin")
    sign_in(page, live_server, admin, "en")
    page.goto("/en/admin/learners")
    row = page.locator("tr", has_text="Mallory Rossi")
    expect(row.locator(".badge.done", has_text=live_server.tr("en", "Holder"))).to_be_visible()
    row.get_by_role("link", name="Mallory Rossi").click()
    expect(page.get_by_role("heading", level=2, name="Certificate", exact=True)).to_be_visible()
    assert_accessible(page, "learner's admin page with a certificate")
    page.get_by_role("button", name="Revoke the certificate").click()
    expect(page.locator("#reason-error")).to_be_visible()       # a reason is required
    assert_accessible(page, "revoke form with an error")
    page.get_by_label("Reason").fill("Answers copied from another learner")
    page.get_by_role("button", name="Revoke the certificate").click()
    expect(page.locator(".flash-success")).to_contain_text("Mallory Rossi")
    screenshot(page, "certificate-admin-revoked-1280")
    page.goto(f"/it/verify/{public_id}")
    expect(page.locator(".verify-status.revoked")).to_contain_text(live_server.tr("it", "Revoked"))
    assert_accessible(page, "revoked certificate's verification page")
