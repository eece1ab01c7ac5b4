"""Secret tokens (reset, confirmation, unsubscribe, calendar feed) never
appear in a log line: the development server's request log and gunicorn's
access log print the path with `[redacted]` in place of the token."""
import logging
import threading
import urllib.request

from flask import url_for
from werkzeug.serving import make_server

from course.logs import redact
from tests.test_deployment import Gunicorn, server_env  # noqa: F401  (server_env: a fixture)

TOKEN = "S3cr3t-T0ken.abcdefghijklmnop_qrstu"


def token_routes(app) -> list:
    return [rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]


def test_every_route_with_a_token_is_redacted(app):
    rules = token_routes(app)
    assert len(rules) >= 4  # reset, confirmation, unsubscribe (and undo), calendar feed
    with app.test_request_context():
        for rule in rules:
            values = {arg: "en" if arg == "lang" else TOKEN for arg in rule.arguments}
            path = url_for(rule.endpoint, **values)
            line = f'127.0.0.1 - - "GET {path}?token={TOKEN}&x=1 HTTP/1.1" 200 - "https://aula.test{path}"'
            assert TOKEN not in redact(line), rule.rule
            assert "[redacted]" in redact(path)


def test_other_paths_are_logged_as_they_are():
    for path in ("/en/", "/en/modules/complaints/tactics", "/verify/7K2QM9XA4TD3H8RWN5CB", "/en/my/data.json"):
        assert redact(f'"GET {path} HTTP/1.1" 200') == f'"GET {path} HTTP/1.1" 200'


def test_the_development_server_log_has_no_token(app, caplog, monkeypatch):
    # Alembic's logging set-up (the migrations) disables the loggers that existed before it.
    monkeypatch.setattr(logging.getLogger("werkzeug"), "disabled", False)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            for path in (f"/en/password/reset/{TOKEN}", f"/en/reminders/calendar/{TOKEN}.ics"):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}{path}", timeout=30).close()
                except urllib.error.HTTPError:
                    pass  # 404 or 410: what matters is the log line
    finally:
        server.shutdown()
        thread.join()
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert len(lines) == 2
    assert all(TOKEN not in line and "[redacted]" in line for line in lines), lines


def test_the_gunicorn_access_log_has_no_token(server_env, tmp_path):
    """gunicorn started as docs/deploy/aula-web.service starts it, in the project's folder (its gunicorn.conf.py)."""
    access_log = tmp_path / "access.log"
    server = Gunicorn(server_env, extra=("--access-logfile", str(access_log)))
    try:
        for path in (f"/en/password/reset/{TOKEN}", f"/en/reminders/unsubscribe/{TOKEN}"):
            request = urllib.request.Request(server.url + path, headers={"Referer": server.url + path})
            try:
                urllib.request.urlopen(request, timeout=30).close()
            except urllib.error.HTTPError:
                pass
    finally:
        server.stop()
    log = access_log.read_text()
    requests = [line for line in log.splitlines() if "/password/reset/" in line or "/unsubscribe/" in line]
    assert len(requests) == 2, log
    assert all(TOKEN not in line for line in requests), requests
    assert all(line.count("[redacted]") == 2 for line in requests), requests  # the request line and the Referer
