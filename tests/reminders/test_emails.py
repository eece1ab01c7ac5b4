"""The reminder email: content, language, links and headers (sent through real SMTP)."""
import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest

from markupsafe import escape

from course.content import get_content
from course.extensions import db
from course.models import User
from course.reminders.scheduler import tick

UTC = timezone.utc
MONDAY_7_ROME = datetime(2026, 10, 26, 6, 0, tzinfo=UTC)


@pytest.fixture
def app_config(smtp_server):
    return {"SMTP_URL": f"smtp://127.0.0.1:{smtp_server.port}", "BASE_URL": "https://aula.example.org/school",
            "MAIL_FROM": "Aula <reminders@aula.example.org>"}


def send_one(app, make_user, smtp_server, lang="it", name="Giulia Rossi"):
    make_user(email="giulia@example.com", name=name, lang=lang, timezone="Europe/Rome")
    with app.app_context():
        tick(MONDAY_7_ROME - timedelta(minutes=1))
        assert tick(MONDAY_7_ROME).sent == 1
    [message] = smtp_server.messages
    return message


def test_headers(app, make_user, smtp_server):
    message = send_one(app, make_user, smtp_server)
    assert message["From"] == "Aula <reminders@aula.example.org>"
    assert message["To"].addresses[0].display_name == "Giulia Rossi"
    assert parsedate_to_datetime(message["Date"]) == MONDAY_7_ROME
    assert re.fullmatch(r"<[^@<>]+@aula\.example\.org>", message["Message-ID"])
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "it"
    unsubscribe = re.fullmatch(r"<(https://aula\.example\.org/school/it/reminders/unsubscribe/[\w.-]+)>",
                               message["List-Unsubscribe"])
    assert unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]


def test_italian_content_with_progress_and_next_lesson(app, make_user, smtp_server, client):
    message = send_one(app, make_user, smtp_server)
    assert message["Subject"] == "È ora di studiare: Il servizio comincia dalle persone"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert text.startswith("Ciao Giulia Rossi,")
    assert "Inizia il corso dalla prima lezione" in text
    lesson = "https://aula.example.org/school/it/modules/external-customers/service-starts-with-people"
    assert lesson in text and f'href="{lesson}"' in html
    assert "https://aula.example.org/school/it/reminders/" in text
    assert "Interrompi questi promemoria" in text and "Interrompi questi promemoria" in html
    assert '<html lang="it">' in html
    # The links work on the site.
    unsubscribe = re.search(r"<https://aula\.example\.org/school(/it/reminders/unsubscribe/[\w.-]+)>",
                            message["List-Unsubscribe"])[1]
    assert client.get(unsubscribe).status_code == 200


def test_progress_and_resume_after_studying(app, make_user, smtp_server, auth, client):
    uid = make_user(email="pat@example.com", name="Pat", lang="en", timezone="Europe/Rome")
    auth.login("pat@example.com")
    client.post("/en/modules/external-customers/service-starts-with-people/complete", data={"action": "complete"})
    client.get("/en/modules/external-customers/customer-vs-consumer")
    with app.app_context():
        tick(MONDAY_7_ROME - timedelta(minutes=1))
        tick(MONDAY_7_ROME)
    [message] = smtp_server.messages
    text = message.get_body(("plain",)).get_content()
    assert message["Subject"].startswith("Time to study: ")
    assert "Continue where you left off" in text
    assert re.search(r"You have completed \d+% of the course", text)
    assert "/en/modules/external-customers/" in text


def test_names_with_quotes_and_accents_stay_readable(app, make_user, smtp_server):
    message = send_one(app, make_user, smtp_server, lang="pl", name='Łucja "Lu" O\'Brien')
    assert message["To"].addresses[0].display_name == 'Łucja "Lu" O\'Brien'
    assert message["Subject"].startswith("Czas na naukę: ")
    assert message.get_body(("plain",)).get_content().startswith("Cześć Łucja \"Lu\" O'Brien,")
    assert "O&#39;Brien" in message.get_body(("html",)).get_content()


def test_outbox_by_default(app_config, make_user, tmp_path, db_path):
    from tests.conftest import make_app

    app = make_app(db_path, OUTBOX_DIR=str(tmp_path / "box"))
    with app.app_context():
        from course.auth.accounts import create_user

        create_user("eve@example.com", "a fine long secret", lang="es", timezone="Europe/Rome", confirmed=True)
        tick(MONDAY_7_ROME - timedelta(minutes=1))
        assert tick(MONDAY_7_ROME).sent == 1
        first_lesson = get_content().course("es").modules[0].lessons[0].lesson.title
        db.session.remove()
        db.engine.dispose()
    [eml] = list((tmp_path / "box").glob("*.eml"))
    import email
    from email import policy

    parsed = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert parsed["To"] == "eve <eve@example.com>"
    assert parsed["Subject"] == f"Es hora de estudiar: {first_lesson}"
    assert parsed["Content-Language"] == "es"
    assert parsed.get_body(("plain",)).get_content().startswith("Hola, eve:\n")


def test_learners_at_the_same_step_each_get_their_own_name_and_link(app, make_user, smtp_server):
    """The scheduler renders a body once per language and step and merges each
    learner's name and unsubscribe link in: nobody may get someone else's."""
    from course.reminders.tokens import read_unsubscribe_token

    people = {"ada@example.com": 'Ada <b>&</b> "Lovelace"', "bo@example.com": "Bo", "cy@example.com": "Çy Øst"}
    ids = {address: make_user(email=address, name=name, lang="en", timezone="Europe/Rome")
           for address, name in people.items()}
    with app.app_context():
        tick(MONDAY_7_ROME - timedelta(minutes=1))
        assert tick(MONDAY_7_ROME).sent == 3
    assert len(smtp_server.messages) == 3
    subjects = set()
    for message in smtp_server.messages:
        [recipient] = message["To"].addresses
        address, name = recipient.addr_spec, people[recipient.addr_spec]
        assert recipient.display_name == name
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert text.startswith(f"Hello {name},")
        assert f"<p>Hello {escape(name)},</p>" in html
        assert "<b>" not in html
        link = re.fullmatch(r"<https://aula\.example\.org/school/en/reminders/unsubscribe/([\w.-]+)>",
                            message["List-Unsubscribe"])[1]
        with app.app_context():
            assert read_unsubscribe_token(link) == (ids[address], "")
        assert f"/en/reminders/unsubscribe/{link}" in text and f"/en/reminders/unsubscribe/{link}" in html
        assert not re.search(r"aula[0-9a-f]{16}", text + html)  # no merge marker left behind
        subjects.add(message["Subject"])
    assert len(subjects) == 1


def test_headers_are_folded_and_encoded(app, make_user):
    """Every header line of the raw email fits in 78 characters (but the link
    of List-Unsubscribe, kept whole for mail clients, within RFC 5322's 998),
    and long or non-ASCII values read back exactly (RFC 2047 words)."""
    import email
    from email import policy
    from email.header import decode_header, make_header
    from email.utils import parseaddr

    from course.reminders.emails import reminder_message

    name = "Żaneta Wiśniewska-Brzęczyszczykiewicz z Małopolski i Świętokrzyskiego"
    uid = make_user(email="zaneta@example.com", name=name, lang="pl", timezone="Europe/Warsaw")
    with app.app_context():
        raw = reminder_message(db.session.get(User, uid), MONDAY_7_ROME).as_bytes()
    head = raw.split(b"\n\n", 1)[0]
    lines = head.splitlines()
    assert all(len(line) <= 78 for line in lines if not line.startswith(b"List-Unsubscribe:")), head
    assert all(len(line) <= 998 for line in lines)
    assert head.isascii()
    parsed = email.message_from_bytes(raw, policy=policy.default)
    # RFC 2047 decoding of the raw To (the stdlib's address parser puts a
    # space between adjacent encoded words of a name, whoever wrote them).
    to = str(make_header(decode_header(email.message_from_bytes(raw)["To"])))
    assert parseaddr(to) == (name, "zaneta@example.com")
    assert parsed["Subject"].startswith("Czas na naukę: ")
    assert parsed.get_body(("plain",)).get_content().startswith(f"Cześć {name},")
