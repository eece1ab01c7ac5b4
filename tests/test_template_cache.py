"""tests/template_cache.py (the suite's per-process cache of compiled templates) against Jinja's own compiling."""
from jinja2 import DictLoader, Environment

from tests.template_cache import CACHE, _init_with_cache, _key


def test_the_suite_uses_the_cache(app):
    assert Environment.__init__ is _init_with_cache
    assert app.jinja_env.bytecode_cache is CACHE


def test_every_template_is_the_code_jinja_compiles_for_this_app(app):
    env = app.jinja_env
    names = [name for name in env.list_templates() if name.endswith((".html", ".txt", ".xml", ".svg"))]
    assert len(names) > 40
    with app.test_request_context():
        for name in names:
            env.get_template(name)
            source, filename, _ = env.loader.get_source(env, name)
            cached = CACHE.code[(_key(env, name, filename), CACHE.get_source_checksum(source))]
            assert cached == env.compile(source, name, filename), name


def test_environments_with_other_settings_do_not_share_code():
    source = "{% if x %}\n  <b>{{ x|shout }}</b>\n{% endif %}\n"

    def environment(**settings):
        env = Environment(loader=DictLoader({"page.html": source}), **settings)
        env.filters["shout"] = lambda value: value.upper() + "!"
        return env

    plain, trimmed, escaped = environment(), environment(trim_blocks=True, lstrip_blocks=True), environment(autoescape=True)
    assert plain.bytecode_cache is trimmed.bytecode_cache is CACHE
    assert plain.get_template("page.html").render(x="<a>") == "\n  <b><A>!</b>\n"
    assert trimmed.get_template("page.html").render(x="<a>") == "  <b><A>!</b>\n"
    assert escaped.get_template("page.html").render(x="<a>") == "\n  <b>&lt;A&gt;!</b>\n"
    assert environment().get_template("page.html").render(x="a") == "\n  <b>A!</b>\n"
