"""The certificate as a PDF: A4 landscape, fonts embedded, text extractable
in every language."""
import io

import pytest
from pypdf import PdfReader

from .conftest import certificate_of, complete_course

#: Every letter the issue names, in a learner's name.
LETTERS = "ą ć ę ł ń ó ś ź ż ñ à è é ì ò ù"


def _pdf(client, lang):
    response = client.get(f"/{lang}/my/certificate.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return response, PdfReader(io.BytesIO(response.data))


@pytest.mark.parametrize("lang, title, course", [
    ("en", "Certificate of completion", "Customer service"),
    ("it", "Attestato di completamento", "Servizio clienti"),
    ("es", "Certificado de finalización", "Atención al cliente"),
    ("pl", "Certyfikat ukończenia", "Obsługa klienta"),
])
def test_the_pdf_in_each_language(app, client, finished, lang, title, course):
    user_id = finished(lang=lang, name=f"Żaneta Łęcka-Muñoz {LETTERS}")
    cert = certificate_of(app, user_id)
    response, reader = _pdf(client, lang)
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="aula-certificate-{cert.public_id}-{lang}.pdf"'
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)  # A4 landscape
    text = page.extract_text()
    assert title in text
    assert f"Żaneta Łęcka-Muñoz {LETTERS}" in text
    assert course in text
    assert f"http://aula.test/verify/{cert.public_id}" in text
    assert "-".join(cert.public_id[i:i + 5] for i in range(0, 20, 5)).upper() in text
    with app.test_request_context(f"/{lang}/"):
        from flask import g
        from flask_babel import format_date

        g.lang = lang
        assert format_date(cert.completed_at.date(), "long") in text
    assert reader.metadata.title == f"{title}: {course}, Żaneta Łęcka-Muñoz {LETTERS}"
    assert reader.trailer["/Root"]["/Lang"] == lang


def test_every_font_is_embedded(client, finished):
    finished(lang="pl")
    _response, reader = _pdf(client, "pl")
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert len(fonts) >= 2  # regular, bold (and italic)
    for font in fonts.values():
        font = font.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor, font["/BaseFont"]   # the TrueType program is in the file
        assert "/ToUnicode" in font                               # so the text can be extracted


def test_no_pdf_before_completion(app, client, make_user, auth):
    make_user(email="new@example.org")
    auth.login("new@example.org")
    response = client.get("/en/my/certificate.pdf")
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/my/certificate"


def test_the_pdf_needs_an_account(client):
    assert client.get("/en/my/certificate.pdf").status_code == 302
