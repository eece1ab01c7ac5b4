"""tests/routing_cache.py (the suite's per-process cache of Werkzeug's URL builders) against Werkzeug's own."""
from werkzeug.routing.rules import Rule

from tests.conftest import make_app
from tests.routing_cache import _cached_compile_builder, original_builder


def test_the_suite_uses_the_cache():
    assert Rule._compile_builder is _cached_compile_builder


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
