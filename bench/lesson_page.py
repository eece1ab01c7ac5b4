"""1. Course pages under gunicorn (2 workers), against /healthz of the same
app on the same server, in rounds that alternate every page with /healthz:

- a signed-in learner's lesson page at 32 connections (throughput) and at 8
  (latency: at 32 connections on two cores even /healthz queues);
- a visitor's lesson page, and the same page asked again with If-None-Match
  (a browser or proxy revalidating: 304);
- a signed-in learner's module page and course home.
"""
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
LATENCY_CONNECTIONS = 8
ROUNDS = 3          # every page and /healthz alternate, ROUNDS times each
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
            module_path = lesson_path.rsplit("/", 1)[0]
            status, public_headers, _, _ = _request(port, "GET", lesson_path)
            etag = public_headers.get("ETag")
            if status != 200 or not etag or "public" not in public_headers.get("Cache-Control", ""):
                raise RuntimeError("the visitor's lesson page is not public with an ETag")
            signed_in = {"Cookie": cookie}
            # (name, path, headers, connections, the baseline's name)
            targets = [
                ("healthz", "/healthz", {}, CONNECTIONS, None),
                ("lesson, signed in", lesson_path, signed_in, CONNECTIONS, "healthz"),
                ("lesson, visitor", lesson_path, {}, CONNECTIONS, "healthz"),
                ("lesson, visitor, If-None-Match (304)", lesson_path, {"If-None-Match": etag}, CONNECTIONS,
                 "healthz"),
                ("module page, signed in", module_path, signed_in, CONNECTIONS, "healthz"),
                ("course home, signed in", "/en/", signed_in, CONNECTIONS, "healthz"),
                ("healthz at 8", "/healthz", {}, LATENCY_CONNECTIONS, None),
                ("lesson, signed in, at 8", lesson_path, signed_in, LATENCY_CONNECTIONS, "healthz at 8"),
            ]

            def load(path: str, headers: dict, connections: int, seconds: int):
                url = base + path
                if wrk:
                    return run_wrk(wrk, url, connections=connections, seconds=seconds, headers=headers)
                return run_python(url, connections=connections, seconds=seconds, headers=headers)

            for _name, path, headers, connections, _base in targets:
                load(path, headers, connections, WARMUP_SECONDS)
            runs = {name: [] for name, *_ in targets}
            for round_no in range(ROUNDS):
                if deadline.left() < len(targets) * (SECONDS + 5) + 30:
                    result.notes.append(f"stopped after {round_no} round(s): time budget")
                    break
                for name, path, headers, connections, _base in targets:
                    measured = load(path, headers, connections, SECONDS)
                    log(f"{name}: {measured.rps:.0f} req/s p50 {measured.p50_ms:.1f} ms "
                        f"p99 {measured.p99_ms:.1f} ms non-2xx {measured.non_2xx} errors {measured.socket_errors}")
                    runs[name].append(measured)
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


    result.details["rounds"] = [
        {"target": name, "rps": round(r.rps, 1), "p50_ms": r.p50_ms, "p99_ms": r.p99_ms, "requests": r.requests,
         "non_2xx": r.non_2xx, "socket_errors": r.socket_errors}
        for name, measured in runs.items() for r in measured
    ]
    rps = {name: median([r.rps for r in measured]) for name, measured in runs.items() if measured}
    p50 = {name: median([r.p50_ms for r in measured]) for name, measured in runs.items() if measured}
    p99 = {name: median([r.p99_ms for r in measured]) for name, measured in runs.items() if measured}
    goals = {"lesson, signed in": 0.5, "lesson, visitor": 0.8, "lesson, visitor, If-None-Match (304)": 0.9,
             "module page, signed in": 0.4, "course home, signed in": 0.4}
    for name, goal in goals.items():
        if name in rps:
            result.add(Figure(f"{name}: throughput at {CONNECTIONS} connections", rps[name], "req/s", "/healthz",
                              rps["healthz"], "higher", f"at least {goal}x the baseline",
                              rps[name] >= goal * rps["healthz"]))
    if "lesson, signed in, at 8" in p99:
        result.add(Figure("lesson, signed in: p50 latency at 8 connections", p50["lesson, signed in, at 8"], "ms",
                          "/healthz at 8", p50["healthz at 8"], "lower"))
        result.add(Figure("lesson, signed in: p99 latency at 8 connections", p99["lesson, signed in, at 8"], "ms",
                          "/healthz at 8", p99["healthz at 8"], "lower", "under 50 ms",
                          p99["lesson, signed in, at 8"] < 50))
    failures = {name: sum(r.socket_errors + (0 if "304" in name else r.non_2xx) for r in measured)
                for name, measured in runs.items()}
    if any(failures.values()):
        result.notes.append(f"non-2xx answers or socket errors during the load: {failures}")
    result.details.update(connections=CONNECTIONS, latency_connections=LATENCY_CONNECTIONS, workers=WORKERS,
                          seconds_per_run=SECONDS, round_count=min(len(m) for m in runs.values()))
