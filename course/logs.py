"""Secret tokens never reach a log line.

Links in emails and the calendar feed carry secret tokens in their path
(`/<lang>/password/reset/<token>`, `/<lang>/reminders/unsubscribe/<token>`,
`/<lang>/reminders/calendar/<token>.ics`, confirmation links...). Request
logs print paths (and the Referer, which repeats the page's address), so
`redact` replaces every such token with `[redacted]`:

- the development server (`flask run`): a filter on the `werkzeug` logger,
  added by `init_app`;
- gunicorn: `GunicornLogger`, named by the project's `gunicorn.conf.py`
  (gunicorn reads it from its working folder), redacts its access log.

`TOKEN_PATH` names the path segments that precede a token; a test checks
that every route of the URL map with a `token` argument is covered.
"""
import logging
import re

from flask import Flask

#: A token is the path segment after one of these (any language prefix before them).
TOKEN_PATH = re.compile(r"(/(?:password/reset|confirm|reminders/confirm|reminders/unsubscribe|unsubscribe|"
                        r"reminders/calendar|calendar)/)[^/?#\s\"']+")
#: A token in a query string (`?token=...`).
TOKEN_QUERY = re.compile(r"([?&](?:[a-z_]*token)=)[^&#\s\"']+", re.IGNORECASE)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` (a path, a request line, a whole log line) without any secret token."""
    if not isinstance(text, str):
        return text
    return TOKEN_QUERY.sub(rf"\1{REDACTED}", TOKEN_PATH.sub(rf"\1{REDACTED}", text))


class RedactTokens(logging.Filter):
    """Rewrites a record's message and arguments without tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) for k, v in record.args.items()}
        return True


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is not installed (it is a dependency; this keeps `flask` usable without it)
    _GunicornLogger = object


class GunicornLogger(_GunicornLogger):
    """gunicorn's logger: every value an access log line may show (the request line, path, query,
    Referer...) without tokens."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) for key, value in atoms.items()}


def init_app(app: Flask) -> None:
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactTokens) for f in werkzeug.filters):
        werkzeug.addFilter(RedactTokens())
