"""Test-suite speed-up: each Werkzeug URL builder is compiled once per process, not once per app.

The suite builds a fresh app for every test (about 800 a run). Two thirds of
create_app's time went to Werkzeug compiling, for each of the app's ~75 URL
rules, two builder functions from a generated syntax tree (`Rule.compile` ->
`Rule._compile_builder`), the same functions for every app. The code of a
builder depends only on the rule's parsed parts (its `_trace`), the names of
its defaults and `append_unknown`; converters are looked up on the rule when
a URL is built, so one compiled function serves every app's copy of a rule.
A rule with a default for one of its own variables (whose converter Werkzeug
applies at compile time) is compiled as usual.

Only the tests use this (the app compiles each rule once per process anyway);
tests/test_routing_cache.py checks that every builder of the app is the code
Werkzeug itself compiles. On a Werkzeug upgrade, check that
`Rule._compile_builder(self, append_unknown)` still exists with that meaning.
"""
from werkzeug.routing.rules import Rule

_original = Rule._compile_builder
_builders: dict[tuple, object] = {}


def _cached_compile_builder(self: Rule, append_unknown: bool = True):
    defaults = self.defaults or {}
    if any(is_dynamic and data in defaults for is_dynamic, data in self._trace):
        return _original(self, append_unknown)
    key = (self.rule, tuple(self._trace), tuple(str(name) for name in defaults), append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _original(self, append_unknown)
    return builder


def install() -> None:
    Rule._compile_builder = _cached_compile_builder


def original_builder(rule: Rule, append_unknown: bool):
    """The builder Werkzeug compiles for `rule`, without the cache."""
    return _original(rule, append_unknown)
