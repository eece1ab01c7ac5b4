"""A certificate is issued once, when the course is complete, with a random
id, the completion date and the learner's name as it was then."""
from course.certificates import issuing
from course.extensions import db
from course.models import User

from .conftest import certificate_of, complete_course, outbox, text_of


def test_not_issued_before_the_whole_course_is_complete(app, make_user, course_modules):
    user_id = make_user()
    complete_course(app, user_id, modules=course_modules[:-1])
    assert certificate_of(app, user_id) is None
    assert outbox(app) == []


def test_issued_once_when_the_last_module_completes(app, make_user, db_rows):
    user_id = make_user(name="Ada Lovelace", lang="pl", email="ada@example.org")
    complete_course(app, user_id, score=92.5)
    cert = certificate_of(app, user_id)
    assert cert is not None
    assert len(cert.public_id) == 20 and set(cert.public_id) <= set(issuing._ALPHABET)
    assert cert.public_id != str(user_id)
    assert cert.name == "Ada Lovelace"
    assert cert.lang == "pl"
    with app.app_context():
        user = db.session.get(User, user_id)
        assert cert.completed_at == user.course_completed_at
        # Later calls find the same certificate: nothing new is issued.
        again, created = issuing.issue(user)
        assert (again.public_id, created) == (cert.public_id, False)
    assert db_rows("SELECT count(*) FROM certificates") == 1
    assert cert.email_sent_at is not None


def test_ids_are_random_not_sequential(app, make_user):
    ids = set()
    for n in range(3):
        user_id = make_user(email=f"l{n}@example.org")
        complete_course(app, user_id)
        ids.add(certificate_of(app, user_id).public_id)
    assert len(ids) == 3


def test_the_name_is_kept_as_it_was_at_issue(app, make_user, client, auth):
    user_id = make_user(name="Grace Brewster", email="grace@example.org")
    complete_course(app, user_id)
    with app.app_context():
        db.session.get(User, user_id).name = "Grace Hopper"
        db.session.commit()
    auth.login("grace@example.org")
    page = client.get("/en/my/certificate").get_data(as_text=True)
    assert "Grace Brewster" in page
    assert "Grace Hopper" not in page.split("<main", 1)[1]


def test_the_completion_email_is_sent_once_in_the_learners_language(app, make_user, client, auth):
    user_id = make_user(name="Zofia", lang="pl", email="zofia@example.org")
    complete_course(app, user_id)
    cert = certificate_of(app, user_id)
    auth.login("zofia@example.org", lang="pl")
    client.get("/pl/my/certificate")
    client.get("/en/my/certificate")
    mails = outbox(app)
    assert len(mails) == 1
    mail = mails[0]
    assert mail["To"] == "Zofia <zofia@example.org>"
    assert mail["Content-Language"] == "pl"
    assert mail["Subject"] == "Twój certyfikat: Obsługa klienta"
    body = text_of(mail)
    assert "Cześć Zofia," in body
    assert "http://aula.test/pl/my/certificate\n" in body
    assert "http://aula.test/pl/my/certificate.pdf" in body
    assert f"http://aula.test/pl/verify/{cert.public_id}" in body


def test_a_learner_who_finished_before_certificates_existed_gets_one_on_the_page(app, make_user, client, auth,
                                                                                 db_path, db_rows):
    user_id = make_user(email="early@example.org")
    complete_course(app, user_id)
    with app.app_context():  # as if the course had been completed before this feature
        db.session.execute(db.text("DELETE FROM certificates"))
        db.session.commit()
    auth.login("early@example.org")
    assert client.get("/en/my/certificate").status_code == 200
    assert db_rows("SELECT count(*) FROM certificates WHERE user_id = :u", u=user_id) == 1


def test_ids_typed_by_people_are_understood():
    assert issuing.normalise_id("7K2QM-9XA4T-D3H8R-WN5CB") == "7k2qm9xa4td3h8rwn5cb"
    assert issuing.normalise_id(" 7k2qm 9xa4t d3h8r wn5cb ") == "7k2qm9xa4td3h8rwn5cb"
    assert issuing.normalise_id("OIL00" * 4) == "01100" * 4   # Crockford: O is 0, I and L are 1
    assert issuing.normalise_id("7K2QM-9XA4T") is None
    assert issuing.normalise_id("u" * 20) is None
    assert issuing.grouped("7k2qm9xa4td3h8rwn5cb") == "7K2QM-9XA4T-D3H8R-WN5CB"
