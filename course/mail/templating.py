"""Email templates: one Jinja environment per language.

Pages render through Flask's environment, where every `_()` asks
Flask-Babel for the current locale's catalogue (several context lookups per
call). The scheduler renders the same two templates thousands of times a
tick, so each language gets an environment of its own with that language's
catalogue bound once, through jinja2's i18n extension with new-style
gettext, exactly as Flask-Babel installs it. The loader and the escaping
rules are the app's, so these are the same template files, escaped the same
way.
"""
from flask import current_app
from flask_babel import force_locale, format_percent, get_translations
from jinja2 import Environment

_CACHE = "aula.email_templates"


def render(name: str, lang: str, **context) -> str:
    """Render a template of the app in `lang`, with only the context given."""
    return _environment(lang).get_template(name).render(context)


def _environment(lang: str) -> Environment:
    cache = current_app.extensions.setdefault(_CACHE, {})
    env = cache.get(lang)
    if env is None:
        app_env = current_app.jinja_env
        env = Environment(loader=app_env.loader, extensions=["jinja2.ext.i18n"],
                          autoescape=current_app.select_jinja_autoescape, trim_blocks=app_env.trim_blocks,
                          lstrip_blocks=app_env.lstrip_blocks, auto_reload=app_env.auto_reload)
        with force_locale(lang):
            env.install_gettext_translations(get_translations(), newstyle=True)
        env.globals["format_percent"] = format_percent  # in the caller's locale (public_links)
        cache[lang] = env  # two threads building it at once build the same thing
    return env
