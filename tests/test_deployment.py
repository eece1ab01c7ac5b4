"""Real deployments: two gunicorn app servers on one database, and a worker killed in the middle of writes.

Under `make test-postgres` the database is PostgreSQL (the deployment the
README describes for several servers); otherwise one SQLite file.
"""
import http.client
import http.cookiejar
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from course.config import PROJECT_ROOT
from course.content_cli import course_cli
from course.extensions import db
from tests.conftest import PASSWORD, csrf_token_from as token, make_app

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SECRET = "deployment-test-secret-" + "x" * 32


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn app:app` on a free port of 127.0.0.1, as docs/deploy/aula-web.service runs it."""

    def __init__(self, env: dict, workers: int = 1, extra: tuple = ()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [GUNICORN, "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}", "--no-control-socket",
             "--graceful-timeout", "5", *extra, "app:app"],
            env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"gunicorn did not start: {self.proc.stderr.read()}")
            time.sleep(0.2)

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            _, err = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err or ""


class Browser:
    """Cookies kept across requests, and across servers: both listen on 127.0.0.1."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, url: str) -> tuple[str, str]:
        """(final address after redirects, page)."""
        with self.opener.open(url, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def sign_in(self, server: str, email: str) -> None:
        _, page = self.get(server + "/en/login")
        data = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token(page)}).encode()
        with self.opener.open(server + "/en/login", data=data, timeout=30) as response:
            assert not response.geturl().endswith("/en/login"), "sign-in refused"

    def save_note(self, server: str, lesson: str, text: str, csrf: str) -> int:
        request = urllib.request.Request(
            f"{server}/en/modules/{lesson}/notes", data=json.dumps({"text": text}).encode(), method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf})
        with self.opener.open(request, timeout=30) as response:
            return response.status


@pytest.fixture
def server_env(database_url, tmp_path):
    """What each server's environment holds: the same database, secret and content folder."""
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    return {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET, "BASE_URL": "http://127.0.0.1", "CONTENT_DIR": str(content)}


def lessons(app) -> list[str]:
    """'module/lesson' of every published lesson."""
    from course.content import get_content

    with app.app_context():
        return [f"{module.id}/{ref.id}" for module in get_content().course("en").modules
                for ref in module.published_lessons()]


def test_two_app_servers_share_sign_in_writes_and_content_reloads(app, make_user, server_env, db_path):
    make_user(email="two@example.com")
    # `flask course reload` on the servers' database and content folder; it runs in this process
    # (tests/authoring runs the real `flask` command), the servers are the real processes here.
    reloader = make_app(db_path, CONTENT_DIR=server_env["CONTENT_DIR"])
    first, second = Gunicorn(server_env), Gunicorn(server_env)
    try:
        browser = Browser()
        browser.sign_in(first.url, "two@example.com")
        address, page = browser.get(second.url + "/en/my/notes")
        assert address == second.url + "/en/my/notes"  # signed in there too, not sent to sign in
        assert browser.save_note(first.url, "complaints/tactics", "Written on the first server", token(page)) == 200
        _, page = browser.get(second.url + "/en/my/notes")
        assert "Written on the first server" in page
        lesson = Path(server_env["CONTENT_DIR"]) / "en/complaints/tactics.yaml"
        lesson.write_text(lesson.read_text().replace("title: The TACTICS process", "title: TACTICS, reloaded"))
        result = reloader.test_cli_runner().invoke(course_cli, ["reload"])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("The content is valid. Every running server reloads it within 2 seconds")
        for server in (first, second):
            deadline = time.monotonic() + 60
            while "TACTICS, reloaded" not in browser.get(server.url + "/en/modules/complaints/tactics")[1]:
                assert time.monotonic() < deadline, f"{server.url} never reloaded the content"
                time.sleep(0.5)
    finally:
        errors = first.stop() + second.stop()
        with reloader.app_context():
            db.engine.dispose()
    assert "Traceback" not in errors


def test_a_worker_killed_mid_writes_loses_no_acknowledged_write(app, make_user, server_env, database_url):
    """Three learners save notes without pause through two workers; one worker is SIGKILLed meanwhile,
    and they go on until the server has acknowledged as many notes again after the kill. Every note
    the server acknowledged (200) is in the database afterwards."""
    from sqlalchemy import create_engine, text

    emails = [f"writer{n}@example.com" for n in range(3)]
    for email in emails:
        make_user(email=email)
    targets = lessons(app)
    server = Gunicorn(server_env, workers=2)
    writes: dict[tuple[str, str], list[tuple[str, bool]]] = {}  # in order: (text, acknowledged)
    acknowledged = []
    failures = []  # what stopped a writer, if anything did
    stop = threading.Event()

    def write(email):
        try:
            browser = Browser()
            browser.sign_in(server.url, email)
            csrf = token(browser.get(server.url + "/en/my/notes")[1])
            n = 0
            while not stop.is_set():
                lesson, body = targets[n % len(targets)], f"{email} note {n}"
                try:
                    ok = browser.save_note(server.url, lesson, body, csrf) == 200
                except (urllib.error.URLError, ConnectionError, http.client.HTTPException):
                    ok = False  # in flight in the killed worker: not acknowledged
                writes.setdefault((email, lesson), []).append((body, ok))
                if ok:
                    acknowledged.append(body)
                n += 1
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(f"{email}: {exc!r}")

    def wait_for(condition, seconds=120):
        deadline = time.monotonic() + seconds
        while not condition() and not failures and time.monotonic() < deadline:
            time.sleep(0.05)

    threads = [threading.Thread(target=write, args=(email,)) for email in emails]
    try:
        for thread in threads:
            thread.start()
        wait_for(lambda: len(acknowledged) >= len(targets))
        victim = server.workers()[0]
        os.kill(victim, signal.SIGKILL)
        at_kill = len(acknowledged)
        wait_for(lambda: len(acknowledged) >= at_kill + len(targets))  # writes go on after the kill
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert failures == []
        assert len(acknowledged) >= at_kill + len(targets)
        # gunicorn reaps the killed worker and starts another as soon as its arbiter runs (on a
        # loaded machine, maybe a moment later): wait for that too.
        wait_for(lambda: victim not in server.workers() and len(server.workers()) == 2, seconds=30)
        assert victim not in server.workers()
        assert len(server.workers()) == 2  # gunicorn started another
    finally:
        stop.set()
        server.stop()
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT u.email, n.module_id, n.lesson_id, n.text FROM notes n "
                                 "JOIN users u ON u.id = n.user_id")).all()
    engine.dispose()
    stored = {(email, f"{module}/{lesson}"): body for email, module, lesson, body in rows}
    for key, attempts in writes.items():
        acked = [n for n, (_, ok) in enumerate(attempts) if ok]
        if not acked:
            continue
        # The last acknowledged note, or one written after it whose answer the kill lost.
        allowed = [body for body, _ in attempts[acked[-1]:]]
        assert stored.get(key) in allowed, (key, stored.get(key), attempts)
