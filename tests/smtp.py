"""SMTP fixtures for every test that sends email: a real SMTP server (aiosmtpd) on 127.0.0.1, and helpers."""
import email
import socket
import ssl
import subprocess
import threading
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    """aiosmtpd cannot take port 0: ask the OS for a free port first."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """An SMTP handler that keeps every message, and can be told to refuse."""

    def __init__(self):
        self.messages = []
        self.sessions = 0
        self.refuse = []  # replies to give to the next DATA commands instead of accepting
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self.lock:
            self.sessions += 1
        return responses

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse:
                return self.refuse.pop(0)
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 2.0.0 OK"

    def to(self, address):
        return [m for m in self.messages if address in m["To"]]


class SMTPServer:
    def __init__(self, handler, **kwargs):
        self.handler = handler
        self.port = free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port, **kwargs)

    def start(self):
        self.controller.start()
        self.running = True
        return self

    def stop(self):
        if getattr(self, "running", False):
            self.running = False
            self.controller.stop()

    @property
    def messages(self):
        return self.handler.messages


@pytest.fixture
def smtp_server():
    server = SMTPServer(Recorder()).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (openssl), and a client context trusting it."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True,
    )
    return cert, key


def server_context(tls_files) -> ssl.SSLContext:
    cert, key = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def authenticator(user="aula", password="s3cret p@ss"):
    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        # handled=False: aiosmtpd answers (235 or 535). Its default, handled=True, means the
        # authenticator has answered itself, so a refusal would get no reply at all.
        return AuthResult(success=ok, handled=False)
    return check
