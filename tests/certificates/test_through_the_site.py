"""Done when: a learner who completes the whole course through the site gets
the certificate and the email (here in Polish; the pages in every language
are checked in test_pages)."""
from tests.activities.conftest import right_answers, token_from
from tests.activities.test_quizzes import complete_module_lessons

from .conftest import certificate_of, outbox, verify_path


def test_completing_the_course_through_the_site_issues_the_certificate(app, client, make_user, auth, course):
    user_id = make_user(email="ola@example.org", name="Aleksandra Wąsik", lang="pl")
    auth.login("ola@example.org", lang="pl")
    view = course("pl")
    for module in view.modules:
        assert certificate_of(app, user_id) is None
        complete_module_lessons(client, view, module.id, "pl")
        url = f"/pl/modules/{module.id}/quiz"
        client.post(url, data={**right_answers(module.final_quiz),
                               "submission_token": token_from(client.get(url).get_data(as_text=True))})
    cert = certificate_of(app, user_id)
    assert cert is not None and cert.name == "Aleksandra Wąsik"
    assert [m["Subject"] for m in outbox(app)] == ["Twój certyfikat: Obsługa klienta"]
    page = client.get("/pl/my/certificate").get_data(as_text=True)
    assert verify_path(page) == f"/verify/{cert.public_id}"
    assert client.get(f"/verify/{cert.public_id}.json").get_json()["status"] == "valid"
