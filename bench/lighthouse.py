"""6. Lighthouse (12.x, Debian's Chromium, mobile preset) on the Italian course
home and an English lesson served by gunicorn, against a bare HTML page
served from the same machine in the same run (what a page costs with nothing
in it). Performance at least 95 and accessibility 100 on both pages.

Lighthouse and its Node modules come from `make tools` (.tools/, pinned in
tests/clients/node/); Chromium from Debian (`make bench` checks both).
"""
from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

from .common import (PROJECT_ROOT, VENV_BIN, Deadline, Figure, Result, Workspace, free_port, log, stop_process,
                     wait_for_port)

TOOLS = Path(os.environ.get("AULA_TOOLS", PROJECT_ROOT / ".tools"))
LIGHTHOUSE = TOOLS / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
PAGES = (("Italian course home", "/it/"), ("English lesson", None))
BARE_PAGE = b"<!doctype html><html lang='en'><meta charset='utf-8'><meta name='viewport' " \
            b"content='width=device-width, initial-scale=1'><title>Bare</title><p>A bare page.</p></html>"


def _lighthouse(url: str, folder: Path) -> dict:
    node = shutil.which("node")
    if not node or not LIGHTHOUSE.exists() or not Path(CHROMIUM).exists():
        raise RuntimeError("Lighthouse needs node, `make tools` and Debian's chromium")
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / "report.json"
    command = [node, str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
               "--only-categories=performance,accessibility",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run "
               "--disable-background-networking --disable-component-update --disable-sync"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=240, cwd=folder,
                          env={**os.environ, "CHROME_PATH": CHROMIUM})
    if done.returncode != 0 or not report.exists():
        raise RuntimeError(f"Lighthouse failed on {url}: {done.stderr[-2000:]}")
    data = json.loads(report.read_text())
    audits = data["audits"]
    return {
        "performance": round(data["categories"]["performance"]["score"] * 100),
        "accessibility": round(data["categories"]["accessibility"]["score"] * 100),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
    }


class _Bare(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server interface
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(BARE_PAGE)))
        self.end_headers()
        self.wfile.write(BARE_PAGE)

    def log_message(self, *_args):
        pass


def run(result: Result, deadline: Deadline) -> None:
    with Workspace("lighthouse") as ws:
        ws.migrate()
        app = ws.create_app()
        with app.app_context():
            from course.content import get_content

            module = get_content().course("en").modules[0]
            lesson = f"/en/modules/{module.id}/{module.published_lessons()[0].id}"
        bare = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Bare)
        threading.Thread(target=bare.serve_forever, daemon=True).start()
        port = free_port()
        server = subprocess.Popen([str(VENV_BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                                   "--no-control-socket", "app:app"], cwd=PROJECT_ROOT, env=ws.env(),
                                  start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_port(port, Deadline(min(120, deadline.left())), server)
            baseline = _lighthouse(f"http://127.0.0.1:{bare.server_address[1]}/", ws.root / "bare")
            log(f"bare page: {baseline}")
            result.details["bare_page"] = baseline
            for name, path in PAGES:
                path = path or lesson
                scores = _lighthouse(f"http://127.0.0.1:{port}{path}", ws.root / path.strip("/").replace("/", "-"))
                log(f"{name} ({path}): {scores}")
                result.details[name] = {"path": path, **scores}
                result.add(Figure(f"Lighthouse performance (mobile), {name}", scores["performance"], "points",
                                  "a bare page", baseline["performance"], "higher", "95 or more",
                                  scores["performance"] >= 95))
                result.add(Figure(f"Lighthouse accessibility, {name}", scores["accessibility"], "points",
                                  "a bare page", baseline["accessibility"], "higher", "100",
                                  scores["accessibility"] == 100))
                result.add(Figure(f"Largest contentful paint (mobile, simulated), {name}", scores["lcp_ms"], "ms",
                                  "a bare page", baseline["lcp_ms"], "lower"))
        finally:
            stop_process(server)
            bare.shutdown()
