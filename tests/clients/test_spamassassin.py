"""A study reminder and an address confirmation, as the app sends them,
scored by SpamAssassin with its local tests only (no network): under 1.0."""
import email
import mailbox
import re
import subprocess
from datetime import datetime, timedelta, timezone
from email import policy

import pytest

from .tools import need

pytestmark = [pytest.mark.e2e, pytest.mark.clients]  # slow and real: not in the quick suite

MONDAY_7_ROME = datetime(2026, 10, 26, 6, 0, tzinfo=timezone.utc)


@pytest.fixture
def app_config():
    return {"BASE_URL": "https://aula.example.org", "MAIL_FROM": "Aula <no-reply@aula.example.org>"}


def spam_scores(messages: list[bytes], folder) -> list[tuple[float, str]]:
    """(score, rules hit) of each message: one `spamassassin -L -t` run over an mbox of them all."""
    spamassassin = need("spamassassin", "apt-get install spamassassin (make tools does it as root)")
    path = folder / "sent.mbox"
    box = mailbox.mbox(path)
    for raw in messages:
        box.add(mailbox.mboxMessage(raw))
    box.close()
    with path.open("rb") as stdin:
        result = subprocess.run([spamassassin, "-L", "-t", "--mbox"], stdin=stdin, capture_output=True,
                                timeout=600, cwd=folder)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    scored = folder / "scored.mbox"
    scored.write_bytes(result.stdout)
    found = []
    box = mailbox.mbox(scored)
    for message in box:
        status = " ".join(message["X-Spam-Status"].split())
        found.append((float(re.search(r"score=(-?[\d.]+)", status)[1]), status))
    box.close()
    return found


def test_a_reminder_and_a_confirmation_score_under_one(app, client, make_user, tmp_path):
    make_user(email="giulia@example.com", name="Giulia Rossi", lang="it", timezone="Europe/Rome")
    response = client.post("/es/register", data={"name": "Lucía Pérez", "email": "lucia@example.com",
                                                 "password": "correct horse battery", "lang": "es",
                                                 "timezone": "Europe/Madrid"}, buffered=True)
    assert response.status_code == 200
    runner = app.test_cli_runner()
    for moment in (MONDAY_7_ROME - timedelta(minutes=1), MONDAY_7_ROME):
        assert runner.invoke(args=["reminders", "tick", "--now", moment.isoformat()]).exit_code == 0
    sent = sorted((tmp_path / "outbox").glob("*.eml"))
    subjects = sorted(str(email.message_from_bytes(p.read_bytes(), policy=policy.default)["Subject"]) for p in sent)
    assert subjects == ["Confirma tu dirección de correo para Aula", "È ora di studiare: Il servizio comincia dalle persone"]
    scores = spam_scores([p.read_bytes() for p in sent], tmp_path)
    assert len(scores) == 2
    assert all(score < 1.0 for score, _ in scores), scores
