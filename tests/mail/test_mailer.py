"""Delivery through a real SMTP server (aiosmtpd on 127.0.0.1) and the outbox."""
from email.message import EmailMessage
from email import policy
import email

import pytest

from course.mail.mailer import (ConfigError, OutboxMailer, PermanentFailure, SMTPMailer, TemporaryFailure,
                                     mailer_for, parse_smtp_url)

from tests.smtp import Recorder, SMTPServer, authenticator, free_port, server_context


def message(n=1, to="ada@example.com"):
    msg = EmailMessage()
    msg["From"] = "Aula <no-reply@aula.test>"
    msg["To"] = to
    msg["Subject"] = f"Hello {n}"
    msg["Message-ID"] = f"<test-{n}@aula.test>"
    msg.set_content(f"Body {n}: żółć")
    return msg


# -- SMTP_URL --------------------------------------------------------------

@pytest.mark.parametrize("url, expected", [
    ("smtp://mail.example.com", ("mail.example.com", 25, "plain", None, None)),
    ("smtp://mail.example.com:2525", ("mail.example.com", 2525, "plain", None, None)),
    ("smtp://user:pass@mail.example.com:587?starttls=1", ("mail.example.com", 587, "starttls", "user", "pass")),
    ("smtp://user:pass@mail.example.com?starttls=true", ("mail.example.com", 587, "starttls", "user", "pass")),
    ("smtps://me%40example.com:p%2Fw%3A@smtp.example.com", ("smtp.example.com", 465, "tls", "me@example.com", "p/w:")),
    ("smtps://smtp.example.com:1465", ("smtp.example.com", 1465, "tls", None, None)),
])
def test_smtp_url_forms(url, expected):
    s = parse_smtp_url(url)
    assert (s.host, s.port, s.security, s.username, s.password) == expected


def test_smtp_url_options():
    s = parse_smtp_url("smtp://h?timeout=2.5&cafile=/etc/ca.pem&helo=aula.example")
    assert (s.timeout, s.cafile, s.helo) == (2.5, "/etc/ca.pem", "aula.example")


@pytest.mark.parametrize("url, words", [
    ("http://mail.example.com", "smtp://"),
    ("smtp://", "host"),
    ("smtp://h:notaport", "port"),
    ("smtp://h?timeout=soon", "timeout"),
    ("smtp://h?timeout=0", "timeout"),
    ("smtp://h?tls=1", "unknown"),
    ("smtps://h?starttls=1", "starttls"),
    ("smtp://:secret@h", "user name"),
])
def test_smtp_url_mistakes_are_explained(url, words):
    with pytest.raises(ConfigError, match=words):
        parse_smtp_url(url)


def test_the_password_never_shows_in_logs():
    assert "hunter2" not in repr(parse_smtp_url("smtp://bob:hunter2@h"))


def test_mailer_for_chooses_smtp_or_outbox(tmp_path):
    assert isinstance(mailer_for({"SMTP_URL": "", "OUTBOX_DIR": str(tmp_path)}), OutboxMailer)
    assert isinstance(mailer_for({"SMTP_URL": "smtp://h", "OUTBOX_DIR": str(tmp_path)}), SMTPMailer)


# -- SMTP ------------------------------------------------------------------

def test_plain_smtp_one_connection_for_a_batch(smtp_server):
    with SMTPMailer(parse_smtp_url(f"smtp://127.0.0.1:{smtp_server.port}")) as mailer:
        for n in range(3):
            mailer.send(message(n))
    assert [m["Subject"] for m in smtp_server.messages] == ["Hello 0", "Hello 1", "Hello 2"]
    assert smtp_server.handler.sessions == 1
    assert "żółć" in smtp_server.messages[0].get_content()


def test_starttls_with_login(tls_files):
    server = SMTPServer(Recorder(), tls_context=server_context(tls_files), require_starttls=True,
                        authenticator=authenticator(), auth_require_tls=True).start()
    try:
        url = f"smtp://aula:s3cret%20p%40ss@127.0.0.1:{server.port}?starttls=1&cafile={tls_files[0]}"
        with SMTPMailer(parse_smtp_url(url)) as mailer:
            mailer.send(message())
            mailer.send(message(2))
        assert len(server.messages) == 2
    finally:
        server.stop()


def test_tls_from_the_start_with_login(tls_files):
    server = SMTPServer(Recorder(), ssl_context=server_context(tls_files), authenticator=authenticator(),
                        auth_require_tls=False).start()
    try:
        url = f"smtps://aula:s3cret%20p%40ss@127.0.0.1:{server.port}?cafile={tls_files[0]}"
        with SMTPMailer(parse_smtp_url(url)) as mailer:
            mailer.send(message())
        assert len(server.messages) == 1
    finally:
        server.stop()


def test_an_untrusted_certificate_is_refused_and_kept_for_later(tls_files):
    server = SMTPServer(Recorder(), ssl_context=server_context(tls_files)).start()
    try:
        with pytest.raises(TemporaryFailure, match="cannot reach"):
            with SMTPMailer(parse_smtp_url(f"smtps://127.0.0.1:{server.port}?timeout=5")) as mailer:
                mailer.send(message())
        assert server.messages == []
    finally:
        server.stop()


def test_a_wrong_password_is_temporary(tls_files):
    server = SMTPServer(Recorder(), tls_context=server_context(tls_files), authenticator=authenticator(),
                        auth_require_tls=True).start()
    try:
        url = f"smtp://aula:wrong@127.0.0.1:{server.port}?starttls=1&timeout=3&cafile={tls_files[0]}"
        with pytest.raises(TemporaryFailure, match=r"^login refused: 535 5\.7\.8 Authentication credentials invalid$") as info:
            with SMTPMailer(parse_smtp_url(url)) as mailer:
                mailer.send(message())
        assert info.value.connection
    finally:
        server.stop()


def test_4xx_is_temporary_for_that_email_only(smtp_server):
    smtp_server.handler.refuse = ["451 4.3.0 Try again later"]
    with SMTPMailer(parse_smtp_url(f"smtp://127.0.0.1:{smtp_server.port}")) as mailer:
        with pytest.raises(TemporaryFailure, match="451") as info:
            mailer.send(message(1))
        assert not info.value.connection
        mailer.send(message(2))  # the same connection goes on
    assert [m["Subject"] for m in smtp_server.messages] == ["Hello 2"]
    assert smtp_server.handler.sessions == 1


def test_5xx_is_permanent_with_the_reason(smtp_server):
    smtp_server.handler.refuse = ["554 5.7.1 Message rejected as spam"]
    with SMTPMailer(parse_smtp_url(f"smtp://127.0.0.1:{smtp_server.port}")) as mailer:
        with pytest.raises(PermanentFailure, match="554 5.7.1 Message rejected as spam"):
            mailer.send(message(1))
        mailer.send(message(2))
    assert len(smtp_server.messages) == 1


def test_a_server_that_is_down_is_temporary():
    with pytest.raises(TemporaryFailure, match="cannot reach") as info:
        with SMTPMailer(parse_smtp_url(f"smtp://127.0.0.1:{free_port()}?timeout=2")) as mailer:
            mailer.send(message())
    assert info.value.connection


def test_a_silent_server_times_out_as_temporary():
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never greets
    port = listener.getsockname()[1]
    try:
        with pytest.raises(TemporaryFailure, match=rf"^cannot reach 127\.0\.0\.1:{port}: Connection unexpectedly closed: timed out$"):
            with SMTPMailer(parse_smtp_url(f"smtp://127.0.0.1:{port}?timeout=0.2")) as mailer:
                mailer.send(message())
    finally:
        listener.close()


# -- the outbox ------------------------------------------------------------

def test_outbox_writes_one_eml_per_email(tmp_path):
    with OutboxMailer(tmp_path / "outbox") as mailer:
        mailer.send(message(1))
        mailer.send(message(2))
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert [f.name for f in files] == ["test-1_aula.test.eml", "test-2_aula.test.eml"]
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Hello 1"
    assert not list((tmp_path / "outbox").glob(".*"))  # no temporary files left


def test_an_outbox_that_cannot_be_written_is_temporary(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(TemporaryFailure, match="outbox"):
        OutboxMailer(blocker / "outbox").send(message())
