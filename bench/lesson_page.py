"""1. A signed-in learner's lesson page under gunicorn (2 workers), against
/healthz of the same app on the same server, at 32 connections."""
from __future__ import annotations

import http.client
import os
import re
import subprocess
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from .common import (PASSWORD, PROJECT_ROOT, VENV_BIN, Deadline, Figure, Result, Workspace, ensure_tool,
                     free_port, log, median, stop_process, wait_for_port)
from .loadgen import run_python, run_wrk

CONNECTIONS = 32
WORKERS = 2
ROUNDS = 3          # baseline and lesson alternate, ROUNDS times each
SECONDS = 6         # per measurement
WARMUP_SECONDS = 2
EMAIL = "learner@bench.example"


def _request(port: int, method: str, path: str, *, cookie: str = "", body: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    data = None
    if body is not None:
        data = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    payload = response.read()
    cookies = SimpleCookie()
    for value in response.headers.get_all("Set-Cookie") or []:
        cookies.load(value)
    conn.close()
    return response.status, response.headers, payload.decode("utf-8", "replace"), cookies


def sign_in(port: int) -> str:
    """Sign in once through the real form (CSRF on); the session cookie header."""
    status, _, html, cookies = _request(port, "GET", "/en/login")
    if status != 200:
        raise RuntimeError(f"GET /en/login answered {status}")
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    if not match:
        raise RuntimeError("no CSRF token on the sign-in page")
    cookie = "; ".join(f"{k}={m.value}" for k, m in cookies.items())
    status, headers, _, cookies = _request(port, "POST", "/en/login", cookie=cookie, body={
        "csrf_token": match.group(1), "email": EMAIL, "password": PASSWORD, "next": ""})
    if status != 302 or "session" not in cookies:
        raise RuntimeError(f"signing in failed: {status} {headers.get('Location')}")
    return f"session={cookies['session'].value}"


def pick_lesson(app) -> str:
    """The first lesson of the first module: a typical page (text, lists,
    "click to read" sections), the one a new learner opens first."""
    from course.content import get_content

    with app.app_context():
        view = get_content().course("en")
        module = view.modules[0]
        ref = module.published_lessons()[0]
        return f"/en/modules/{module.id}/{ref.id}"


def cpu_per_request(ws: Workspace, lesson_path: str, requests: int = 100) -> dict:
    """CPU time of one request to each endpoint, in this process (the app's
    own work, without the server and the network), and a profile of the
    lesson page: where its time goes."""
    import cProfile
    import io
    import pstats
    import threading
    import time

    app = ws.create_app(WTF_CSRF_ENABLED=False)
    client = app.test_client()
    client.post("/en/login", data={"email": EMAIL, "password": PASSWORD})
    for _ in range(10):
        client.get(lesson_path)
        client.get("/healthz")
    for thread in threading.enumerate():  # the Markdown warm-up, if the app runs one
        if thread is not threading.current_thread() and thread.daemon and "markdown" in thread.name:
            thread.join(timeout=60)
    out = {}
    for name, path in (("healthz", "/healthz"), ("lesson", lesson_path)):
        start = time.process_time()
        for _ in range(requests):
            response = client.get(path)
        out[f"cpu_ms_per_request_{name}"] = round((time.process_time() - start) * 1000 / requests, 2)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code} in the test client")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(50):
        client.get(lesson_path)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(r"course/|flask_babel|flask_login|jinja2/environment|sqlalchemy/orm/session.py:.*(execute|commit)", 28)
    out["profile"] = "50 lesson page requests\n" + "\n".join(
        line for line in stream.getvalue().splitlines()
            if line.strip() and "function calls" not in line)
    from course.extensions import db
    with app.app_context():
        db.engine.dispose()
    return out


def run(result: Result, deadline: Deadline) -> None:
    # AULA_BENCH_LOADGEN=python uses the Python load generator even where wrk is.
    wrk = None if os.environ.get("AULA_BENCH_LOADGEN") == "python" else ensure_tool("wrk")
    result.details["load_generator"] = "wrk" if wrk else "python (asyncio; wrk unavailable)"
    with Workspace("lesson") as ws:
        ws.migrate()
        app = ws.create_app()
        with app.app_context():
            from course.auth.accounts import create_user
            from course.extensions import db

            create_user(EMAIL, PASSWORD, name="Bench Learner", confirmed=True)
            lesson_path = pick_lesson(app)
            db.session.remove()
            db.engine.dispose()
        # First, what one request costs the app itself (and where it goes).
        result.details.update(cpu_per_request(ws, lesson_path))

        port = free_port()
        log_path = ws.root / "gunicorn.log"
        args = [str(VENV_BIN / "gunicorn"), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
                "--no-control-socket", "--error-logfile", str(log_path), "app:app"]
        result.details["server"] = " ".join(["gunicorn"] + args[1:])
        server = subprocess.Popen(args, cwd=PROJECT_ROOT, env=ws.env(), start_new_session=True,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_port(port, Deadline(min(180, deadline.left())), server)
            base = f"http://127.0.0.1:{port}"
            # Both workers must be up before measuring: wait until /healthz answers.
            for _ in range(600):
                try:
                    if _request(port, "GET", "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
            cookie = sign_in(port)
            status, _, html, _ = _request(port, "GET", lesson_path, cookie=cookie)
            if status != 200 or "/en/logout" not in html:
                raise RuntimeError(f"the lesson page is not the signed-in page (status {status})")
            result.details["lesson_url"] = lesson_path
            result.details["lesson_bytes"] = len(html.encode())
            headers = {"Cookie": cookie}

            def load(path: str, seconds: int):
                url = base + path
                if wrk:
                    return run_wrk(wrk, url, connections=CONNECTIONS, seconds=seconds, headers=headers)
                return run_python(url, connections=CONNECTIONS, seconds=seconds, headers=headers)

            for path in ("/healthz", lesson_path):
                load(path, WARMUP_SECONDS)
            runs = {"/healthz": [], lesson_path: []}
            for round_no in range(ROUNDS):
                if deadline.left() < 2 * SECONDS + 30:
                    result.notes.append(f"stopped after {round_no} round(s): time budget")
                    break
                for path in ("/healthz", lesson_path):
                    measured = load(path, SECONDS)
                    log(f"{path}: {measured.rps:.0f} req/s p50 {measured.p50_ms:.1f} ms "
                        f"p99 {measured.p99_ms:.1f} ms non-2xx {measured.non_2xx} errors {measured.socket_errors}")
                    runs[path].append(measured)
            # Whether the cookie was still valid at the end (a 302 to sign-in
            # would be counted as a success by wrk and make the page look fast).
            status, _, html, _ = _request(port, "GET", lesson_path, cookie=cookie)
            if status != 200 or "/en/logout" not in html:
                raise RuntimeError("the session was no longer signed in after the load")
        finally:
            stop_process(server)
        errors = log_path.read_text(errors="replace") if log_path.exists() else ""
        if "Traceback" in errors:
            result.notes.append("gunicorn logged a traceback during the run: see details.server_log")
            result.details["server_log"] = errors[-4000:]


    base_runs, page_runs = runs["/healthz"], runs[lesson_path]
    result.details["rounds"] = [
        {"path": r.url.split(str(port), 1)[1], "rps": round(r.rps, 1), "p50_ms": r.p50_ms, "p99_ms": r.p99_ms,
         "requests": r.requests, "non_2xx": r.non_2xx, "socket_errors": r.socket_errors}
        for r in base_runs + page_runs
    ]
    base_rps = median([r.rps for r in base_runs])
    page_rps = median([r.rps for r in page_runs])
    base_p50 = median([r.p50_ms for r in base_runs])
    page_p50 = median([r.p50_ms for r in page_runs])
    base_p99 = median([r.p99_ms for r in base_runs])
    page_p99 = median([r.p99_ms for r in page_runs])
    result.add(Figure("lesson page throughput", page_rps, "req/s", "/healthz", base_rps, "higher",
                      "at least 0.5x the baseline", page_rps >= 0.5 * base_rps))
    result.add(Figure("lesson page p50 latency", page_p50, "ms", "/healthz", base_p50, "lower"))
    result.add(Figure("lesson page p99 latency", page_p99, "ms", "/healthz", base_p99, "lower",
                      "under 50 ms", page_p99 < 50))
    failures = sum(r.non_2xx + r.socket_errors for r in page_runs + base_runs)
    if failures:
        result.notes.append(f"{failures} non-2xx answers or socket errors during the load")
    result.details.update(connections=CONNECTIONS, workers=WORKERS, seconds_per_run=SECONDS, round_count=len(page_runs))
