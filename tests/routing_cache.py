"""Test-suite speed-up: each Werkzeug URL rule is parsed, and its URL builders compiled, once per
process, not once per app.

The suite builds a fresh app for every test (about 800 a run). Two thirds of
create_app's time went to Werkzeug compiling, for each of the app's ~75 URL
rules, two builder functions from a generated syntax tree (`Rule.compile` ->
`Rule._compile_builder`), the same functions for every app. The code of a
builder depends only on the rule's parsed parts (its `_trace`), the names of
its defaults and `append_unknown`; converters are looked up on the rule when
a URL is built, so one compiled function serves every app's copy of a rule.
A rule with a default for one of its own variables (whose converter Werkzeug
applies at compile time) is compiled as usual.

Most of the rest went to parsing each rule's string (`Rule._parse_rule`), again
the same for every app. What a parse gives depends only on the string and the
map's converter classes: the matcher's parts (never changed once made, so
apps share them), the entries it adds to the rule's `_trace` and `arguments`,
and the converters it asks for, which are made afresh for each rule from the
recorded names and arguments (a converter belongs to its map).

Only the tests use this (the app compiles each rule once per process anyway);
tests/test_routing_cache.py checks that every builder of the app is the code
Werkzeug itself compiles, and every parse what Werkzeug's own parse gives. On a
Werkzeug upgrade, check that `Rule._compile_builder(self, append_unknown)` and
the generator `Rule._parse_rule(self, rule)` (which adds to `_trace`,
`_converters` and `arguments`, and gets converters from `get_converter`) still
exist with those meanings.
"""
from werkzeug.routing.rules import Rule

_original = Rule._compile_builder
_original_parse = Rule._parse_rule
_builders: dict[tuple, object] = {}
_parses: dict[tuple, tuple] = {}


def _cached_compile_builder(self: Rule, append_unknown: bool = True):
    defaults = self.defaults or {}
    if any(is_dynamic and data in defaults for is_dynamic, data in self._trace):
        return _original(self, append_unknown)
    key = (self.rule, tuple(self._trace), tuple(str(name) for name in defaults), append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _original(self, append_unknown)
    return builder


def _cached_parse_rule(self: Rule, rule: str) -> list:
    key = (rule, tuple(self.map.converters.items()))
    parsed = _parses.get(key)
    if parsed is None:
        parts, parsed = _parse_and_record(self, rule)
        _parses[key] = parsed
        return parts
    parts, trace, converters = parsed
    self._trace.extend(trace)
    for variable, name, args, kwargs in converters:
        self._converters[variable] = self.get_converter(variable, name, args, kwargs)
        self.arguments.add(variable)
    return list(parts)


def _parse_and_record(rule: Rule, string: str) -> tuple[list, tuple]:
    """Werkzeug's parse of `string` for `rule`, and what it did: (parts, trace entries, converters asked for)."""
    asked = []
    get_converter = rule.get_converter

    def recording(variable, name, args, kwargs):
        asked.append((variable, name, args, kwargs))
        return get_converter(variable, name, args, kwargs)

    before = len(rule._trace)
    rule.get_converter = recording  # on this rule only, for this parse
    try:
        parts = list(_original_parse(rule, string))
    finally:
        del rule.get_converter
    return parts, (tuple(parts), tuple(rule._trace[before:]), tuple(asked))


def install() -> None:
    Rule._compile_builder = _cached_compile_builder
    Rule._parse_rule = _cached_parse_rule


def original_builder(rule: Rule, append_unknown: bool):
    """The builder Werkzeug compiles for `rule`, without the cache."""
    return _original(rule, append_unknown)


def original_compile(rule: Rule) -> Rule:
    """A copy of `rule` on the same map, compiled by Werkzeug alone (no cached parse)."""
    copy = rule.empty()
    copy.map = rule.map
    copy._parse_rule = lambda string: _original_parse(copy, string)
    copy.compile()
    return copy
