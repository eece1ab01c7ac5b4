"""Instructions per request of the course pages, counted by valgrind.

    .venv/bin/python -m bench.instructions

Throughput benchmarks need a quiet machine: on a busy one /healthz loses more
than the pages and the ratios flatter them. Counting the machine
instructions a request executes (valgrind's callgrind) gives the same figure
on a busy machine as on a quiet one, so a change to the pages can be judged
at any time, before the quiet `make bench` confirms it.

The requests go through Flask's test client (no gunicorn, no network), in
one process: each page is asked N times between two calls of
`os.getloadavg()`, and callgrind (`--dump-before=getloadavg`) writes its
counters at each call, so one dump holds exactly one page's requests. The
pages are those of `bench/lesson_page.py`, plus /healthz for the signed-in
learner and for a visitor, and the lesson once more as wrk asks it (the
cookie set at sign-in sent again every time). Needs valgrind (Debian package `valgrind`,
installed when run as root); under valgrind a run takes a few minutes.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from .common import PASSWORD, Workspace, ensure_tool, log

REQUESTS = 30  # per page


def _count(label: str, client, path: str, out: Path) -> None:
    for _ in range(3):  # warm: the page cache, the statements, the session
        status = client.get(path).status_code
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    os.getloadavg()  # callgrind writes what came before: not counted
    for _ in range(REQUESTS):
        client.get(path)
    with (out / "labels").open("a") as labels:
        labels.write(f"{label}\t{REQUESTS}\n")
    os.getloadavg()  # callgrind writes exactly these requests


class _Replay:
    """A client that sends the cookie set at sign-in on every request and keeps
    none it is given, as wrk does in `bench/lesson_page.py`: any page that
    sets a cookie would set it again on every request."""

    def __init__(self, app, session_cookie: str):
        self.client = app.test_client(use_cookies=False)
        self.headers = {"Cookie": f"session={session_cookie}"}

    def get(self, path: str):
        return self.client.get(path, headers=self.headers)


def _inside(out: Path) -> None:
    """Runs under valgrind: ask each page REQUESTS times."""
    from .lesson_page import EMAIL, pick_lesson

    with Workspace("instructions") as ws:
        ws.migrate()
        app = ws.create_app()  # as served: CSRF on, so every form's token is counted
        with app.app_context():
            from course.auth.accounts import create_user
            from course.extensions import db

            create_user(EMAIL, PASSWORD, name="Bench Learner", confirmed=True)
            db.session.commit()
            lesson = pick_lesson(app)
        learner, visitor = app.test_client(), app.test_client()
        form = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', learner.get("/en/login").text)
        if form is None:
            raise RuntimeError("no CSRF token on the sign-in page")
        signed = learner.post("/en/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": form.group(1)})
        if signed.status_code != 302:
            raise RuntimeError("the bench learner could not sign in")
        replay = _Replay(app, learner.get_cookie("session").value)
        for label, client, path in [
            ("lesson, signed in", learner, lesson),
            ("lesson, sign-in's cookie again", replay, lesson),
            ("module page, signed in", learner, lesson.rsplit("/", 1)[0]),
            ("course home, signed in", learner, "/en/"),
            ("/healthz, signed in", learner, "/healthz"),
            ("/healthz, visitor", visitor, "/healthz"),
            ("lesson, visitor", visitor, lesson),
        ]:
            _count(label, client, path, out)


def _report(out: Path) -> list[tuple[str, float]]:
    dumps = sorted(out.glob("cg.out.*"), key=lambda p: int(p.name.rsplit(".", 1)[1]))
    labels = [line.split("\t") for line in (out / "labels").read_text().splitlines()]
    totals = [int(re.search(r"^totals: (\d+)", p.read_text(), re.M).group(1)) for p in dumps]
    # Two dumps per page: what came before it, then its requests.
    return [(label, totals[2 * i + 1] / int(n)) for i, (label, n) in enumerate(labels)]


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--inside":
        _inside(Path(sys.argv[2]))
        return 0
    valgrind = ensure_tool("valgrind")
    if valgrind is None:
        print("bench.instructions needs valgrind: apt-get install valgrind", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="aula-instructions-") as folder:
        out = Path(folder)
        log("counting instructions under valgrind (a few minutes)")
        done = subprocess.run([valgrind, "--tool=callgrind", "--dump-before=getloadavg", "--dump-instr=no",
                               f"--callgrind-out-file={out}/cg.out", sys.executable, "-m", "bench.instructions",
                               "--inside", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parent.parent)
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            return done.returncode
        figures = _report(out)
    base = dict(figures)["/healthz, visitor"]
    print(f"{'request':28} {'instructions':>14} {'beyond a visitor /healthz':>26}")
    for label, count in figures:
        print(f"{label:28} {count / 1e6:12.2f} M {(count - base) / 1e6:24.2f} M")
    return 0


if __name__ == "__main__":
    sys.exit(main())
