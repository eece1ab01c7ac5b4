"""tests/routing_cache.py (the suite's per-process cache of Werkzeug's rule parses and URL builders)
against Werkzeug's own."""
from werkzeug.routing.rules import Rule

from tests.conftest import make_app
from tests.routing_cache import _cached_compile_builder, _cached_parse_rule, original_builder, original_compile


def test_the_suite_uses_the_cache():
    assert Rule._compile_builder is _cached_compile_builder
    assert Rule._parse_rule is _cached_parse_rule


def converters(rule: Rule) -> dict:
    """What each converter of `rule` is: its class and settings, without the map it belongs to."""
    return {name: (type(c), {k: v for k, v in vars(c).items() if k != "map"}) for name, c in rule._converters.items()}


def test_every_parse_is_what_werkzeug_gives_and_apps_share_the_parts(app, db_path):
    other = make_app(db_path)
    others = {(rule.endpoint, rule.rule): rule for rule in other.url_map.iter_rules()}
    rules = list(app.url_map.iter_rules())
    assert sum(bool(rule.arguments) for rule in rules) > 20  # rules with converters: the case with most to get right
    for rule in rules:
        plain = original_compile(rule)
        assert rule._parts == plain._parts, rule.rule
        assert rule._trace == plain._trace, rule.rule
        assert rule.arguments == plain.arguments, rule.rule
        assert converters(rule) == converters(plain), rule.rule
        assert all(c.map is app.url_map for c in rule._converters.values()), rule.rule
        twin = others[(rule.endpoint, rule.rule)]
        assert twin._parts[-1] is rule._parts[-1], rule.rule  # one parse, shared
        assert all(c.map is other.url_map for c in twin._converters.values()), rule.rule


def test_every_builder_is_the_code_werkzeug_compiles_and_apps_share_it(app, db_path):
    other = make_app(db_path)
    others = {(rule.endpoint, rule.rule): rule for rule in other.url_map.iter_rules()}
    rules = list(app.url_map.iter_rules())
    assert len(rules) == len(others) > 50
    for rule in rules:
        for append_unknown, built in ((False, rule._build), (True, rule._build_unknown)):
            assert built.__self__ is rule
            assert built.__func__.__code__ == original_builder(rule, append_unknown).__code__, rule.rule
        twin = others[(rule.endpoint, rule.rule)]
        assert twin._build.__func__ is rule._build.__func__, rule.rule
