"""Every HTML page the app serves during the browser tests, kept for the Nu Html Checker.

`record_pages(app)` makes the app write each HTML answer it gives (error
pages included) to test-results/pages/, a few per kind of page: the same
endpoint, method, status and language with another body (other data, other
form errors) is kept up to PER_KIND times (by each process of the run: the
browser tests run on two pytest-xdist workers). `recorded()` lists them, of
every process of the run, with the address each one answered.
"""
import hashlib
import json
import re
import threading

from flask import g, request
from flask_login import current_user

from tests.results import fresh_for_this_run, worker

from .tools import PROJECT_ROOT

PAGES = PROJECT_ROOT / "test-results" / "pages"
PER_KIND = 3
_TOKEN = re.compile(rb'name="csrf_token" value="[^"]*"|value="[^"]*" name="csrf_token"')


def record_pages(app) -> None:
    fresh_for_this_run(PAGES)
    me = worker()
    lock = threading.Lock()
    kinds: dict[tuple, set[str]] = {}
    index: dict[str, str] = {}

    @app.after_request
    def _record(response):
        if response.mimetype != "text/html" or response.is_streamed:
            return response
        body = response.get_data()
        kind = (request.method, request.endpoint, response.status_code, g.get("lang"),
                current_user.is_authenticated)
        digest = hashlib.sha1(_TOKEN.sub(b"", body)).hexdigest()[:12]
        with lock:
            seen = kinds.setdefault(kind, set())
            if digest in seen or len(seen) >= PER_KIND:
                return response
            seen.add(digest)
            name = f"{me}-{len(index):04d}-{request.endpoint or 'none'}-{response.status_code}.html"
            (PAGES / name).write_bytes(body)
            index[name] = f"{request.method} {request.full_path.rstrip('?')} ({response.status_code})"
            (PAGES / f"index-{me}.json").write_text(json.dumps(index, indent=1))
        return response


def recorded() -> dict[str, str]:
    """{file path: 'METHOD address (status)'} of the pages recorded in this run (by all its processes)."""
    pages = {}
    for index_file in sorted(PAGES.glob("index-*.json")):
        pages.update({str(PAGES / name): where for name, where in json.loads(index_file.read_text()).items()})
    return pages
