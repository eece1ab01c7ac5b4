"""Ralph, a real Learning Record Store, on 127.0.0.1 for the tests.

`make ralph` installs it into .venv-ralph (apart from the app's pins); the
`ralph` fixture starts it once per test session with its file-system
backend in a temporary folder (see LAUNCHER). Use it from a conftest.py:

    from tests.ralph import ralph  # noqa: F401  (the fixture)

`ralph.url` is its xAPI endpoint, `ralph.key`/`ralph.secret` its basic-auth
credentials; `ralph.statement(id)` and `ralph.statements(...)` read back what
it stored; `ralph.stop()` and `ralph.start()` take it down and up again on
the same port, keeping what it stored.
"""
import base64
import json
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RALPH_PYTHON = PROJECT_ROOT / ".venv-ralph" / "bin" / "python"
KEY, SECRET = "aula", "ralph-test-secret"
START_TIMEOUT = 60
#: `python -m uvicorn ralph.api:app` (what `ralph runserver` runs), except that
#: Ralph 5.1's file-system LRS backend creates its one statements file and then
#: refuses every later write ("already exists and overwrite is not allowed"):
#: here it appends, as a real LRS store must. Everything else is Ralph's own.
LAUNCHER = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Ralph:
    def __init__(self, folder: Path):
        if not RALPH_PYTHON.exists():
            pytest.fail(f"Ralph is not installed: run `make ralph` (creates {RALPH_PYTHON.parent.parent.name})")
        self.folder = folder
        self.port = _free_port()
        self.key, self.secret = KEY, SECRET
        self.url = f"http://127.0.0.1:{self.port}/xAPI/"
        self.process = None
        (folder / "data").mkdir(parents=True, exist_ok=True)
        self._write_credentials()

    def _write_credentials(self) -> None:
        """What `ralph auth -w` writes (a bcrypt hash; written here, it takes no 15 s start-up)."""
        hashed = subprocess.run(
            [str(RALPH_PYTHON), "-c",
             f"import bcrypt; print(bcrypt.hashpw({self.secret!r}.encode(), bcrypt.gensalt(4)).decode())"],
            check=True, capture_output=True, text=True).stdout.strip()
        credentials = [{"agent": {"mbox": "mailto:aula@example.org", "objectType": "Agent"},
                        "scopes": ["all"], "hash": hashed, "username": self.key}]
        (self.folder / "auth.json").write_text(json.dumps(credentials))

    @property
    def env(self) -> dict:
        return {
            "PATH": "/usr/bin:/bin",
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.folder / "data"),
            "RALPH_AUTH_FILE": str(self.folder / "auth.json"),
            "RALPH_APP_DIR": str(self.folder / "app"),
            "HOME": str(self.folder),
        }

    def start(self) -> None:
        log = open(self.folder / "ralph.log", "ab")
        self.process = subprocess.Popen(
            [str(RALPH_PYTHON), "-c", LAUNCHER, str(self.port)],
            env=self.env, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph stopped: see {self.folder / 'ralph.log'}")
            try:
                self.get("statements", limit=1)
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        raise RuntimeError("Ralph did not answer within a minute")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def get(self, path: str, **params) -> dict:
        url = self.url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        token = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        request = urllib.request.Request(url, headers={"Authorization": f"Basic {token}",
                                                       "X-Experience-API-Version": "1.0.3"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def statement(self, statement_id: str) -> dict | None:
        """The stored statement with this id, or None."""
        try:
            found = self.get("statements", statementId=statement_id)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise
        if "statements" in found:  # Ralph answers a list even for one id
            return found["statements"][0] if found["statements"] else None
        return found

    def statements_of(self, home_page: str, name: str) -> list[dict]:
        """Every statement stored for one account agent."""
        agent = json.dumps({"objectType": "Agent", "account": {"homePage": home_page, "name": name}})
        return self.get("statements", agent=agent, limit=500)["statements"]


@pytest.fixture(scope="session")
def ralph(tmp_path_factory):
    server = Ralph(tmp_path_factory.mktemp("ralph"))
    server.start()
    yield server
    server.stop()
