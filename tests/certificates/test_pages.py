"""The learner's certificate page, the course home, and the public
verification pages (HTML and JSON)."""
import pytest
from babel.dates import format_date
from babel.numbers import format_percent

from course.extensions import db
from course.i18n import LANGUAGES
from course.models import Certificate, utcnow

from .conftest import certificate_of, complete_course, verify_path

def test_the_page_needs_an_account(client):
    response = client.get("/en/my/certificate")
    assert response.status_code == 302
    assert "/en/login" in response.headers["Location"]


def test_before_completion_the_page_shows_what_is_left(app, client, make_user, auth, course_modules):
    user_id = make_user(email="half@example.org")
    complete_course(app, user_id, modules=course_modules[:2])
    auth.login("half@example.org", lang="es")
    response = client.get("/es/my/certificate")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Lo que falta" in page
    for module_id in course_modules[2:]:
        assert f'href="/es/modules/{module_id}"' in page
        assert f'href="/es/modules/{module_id}/quiz"' in page
    for module_id in course_modules[:2]:
        assert f'href="/es/modules/{module_id}"' not in page
    assert certificate_of(app, user_id) is None


@pytest.mark.parametrize("lang, heading", [
    ("en", "Certificate of completion"),
    ("it", "Attestato di completamento"),
    ("es", "Certificado de finalización"),
    ("pl", "Certyfikat ukończenia"),
])
def test_the_certificate_page_in_each_language(app, client, finished, lang, heading):
    user_id = finished(lang=lang, name="Łucja Żółć-Núñez")
    cert = certificate_of(app, user_id)
    page = client.get(f"/{lang}/my/certificate").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert heading in page
    assert "Łucja Żółć-Núñez" in page
    # The completion date (UTC: the learner's zone) and the scores as the language writes them.
    assert format_date(cert.completed_at.date(), "long", locale=lang) in page
    assert page.count(f'<td class="num">{format_percent(1, locale=lang)}</td>') == 4
    assert verify_path(page) == f"/verify/{cert.public_id}"
    assert page.count('<svg width="') == 1 and 'class="qr-code"' in page
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in page


def test_the_course_home_shows_the_certificate_to_a_finished_learner(app, client, finished, make_user, auth):
    finished(lang="it")
    link = '<a class="button" href="/{lang}/my/certificate">'
    assert link.format(lang="it") in client.get("/it/").get_data(as_text=True)
    auth.logout()
    make_user(email="new@example.org")
    auth.login("new@example.org")
    assert link.format(lang="en") not in client.get("/en/").get_data(as_text=True)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_anyone_can_verify_a_certificate(app, client, finished, auth, lang):
    user_id = finished(lang="pl", name="Zofia Nowak")
    cert = certificate_of(app, user_id)
    auth.logout("pl")
    response = client.get(f"/{lang}/verify/{cert.public_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert "Zofia Nowak" in page
    assert 'class="verify-status valid"' in page
    # The address without a language answers in the visitor's language, and
    # the language switcher stays on the certificate.
    response = client.get(f"/verify/{cert.public_id}", headers={"Accept-Language": lang})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    for other in LANGUAGES:
        assert f'href="/{other}/verify/{cert.public_id}"' in page
    # Typed as printed (groups of five, upper case) it finds the same one.
    grouped = "-".join(cert.public_id[i:i + 5] for i in range(0, 20, 5)).upper()
    assert client.get(f"/en/verify/{grouped}").status_code == 200


@pytest.mark.parametrize("path", ["/verify/7k2qm9xa4td3h8rwn5cb", "/en/verify/7k2qm9xa4td3h8rwn5cb",
                                  "/verify/not-an-id", "/en/verify/%3Cscript%3E"])
def test_an_unknown_id_is_a_helpful_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Certificate not found" in page
    assert 'name="id"' in page  # a form to type the id again
    assert "<script>" not in page


def test_the_check_form(client, app, finished):
    cert = certificate_of(app, finished())
    response = client.get("/en/verify", query_string={"id": cert.public_id.upper()})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/en/verify/{cert.public_id}"
    response = client.get("/en/verify", query_string={"id": "12345"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page and 'value="12345"' in page
    assert client.get("/en/verify").status_code == 200


def test_verification_for_machines(app, client, finished):
    user_id = finished(lang="es", name="Lucía")
    cert = certificate_of(app, user_id)
    response = client.get(f"/verify/{cert.public_id}.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert data["id"] == cert.public_id
    assert data["status"] == "valid"
    assert data["name"] == "Lucía"
    assert data["course"]["title"]["es"] == "Atención al cliente"
    assert data["completed_on"] == cert.completed_at.date().isoformat()
    assert data["revoked_at"] is None
    assert data["verification_url"] == f"http://aula.test/verify/{cert.public_id}"

    unknown = client.get("/verify/7k2qm9xa4td3h8rwn5cb.json")
    assert unknown.status_code == 404
    assert unknown.get_json()["status"] == "unknown"


def test_a_revoked_certificate_says_so(app, client, finished):
    user_id = finished(name="Mallory")
    with app.app_context():
        cert = db.session.query(Certificate).filter_by(user_id=user_id).one()
        cert.revoked_at, cert.revoked_reason = utcnow(), "Quiz answers copied"
        db.session.commit()
        public_id = cert.public_id
    page = client.get(f"/en/verify/{public_id}").get_data(as_text=True)
    assert 'class="verify-status revoked"' in page
    assert "Quiz answers copied" not in page  # the reason stays with the administrators
    assert client.get(f"/verify/{public_id}.json").get_json()["status"] == "revoked"
    mine = client.get("/en/my/certificate").get_data(as_text=True)
    assert "This certificate was revoked on" in mine
