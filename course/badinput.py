"""Hostile input answers 4xx, never 500: request bodies and URL values are
checked before any view reads them.

- JSON bodies: nesting too deep for the parser is a 400 (json.loads raises
  RecursionError, which Flask does not treat as bad JSON); lone UTF-16
  surrogates (``"\\ud800"``, valid JSON but not encodable text) become
  U+FFFD, as Werkzeug does for form data, so what was typed is kept.
- ``<int:...>`` in a URL: a number no database integer can hold is a 404
  (SQLite raises OverflowError, PostgreSQL an out-of-range error).
"""
import re
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

#: The largest value of an INTEGER column on both databases: PostgreSQL's is 32 bits
#: (SQLite's 64). The ids are INTEGER primary keys; a larger id in an address is not found,
#: never an "integer out of range" error from PostgreSQL.
MAX_DB_INTEGER = 2**31 - 1

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _without_lone_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


class SafeJSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = super().loads(s, **kwargs)
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc
        text = s.decode("utf-8", "replace") if isinstance(s, bytes) else s
        if _SURROGATE_ESCAPE.search(text):
            value = _without_lone_surrogates(value)
        return value


class DatabaseIntegerConverter(IntegerConverter):
    """`<int:...>`, limited to what a database integer column can hold."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DB_INTEGER)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.json = SafeJSONProvider(app)
    app.url_map.converters["int"] = DatabaseIntegerConverter
