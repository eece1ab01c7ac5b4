"""Languages, locale selection and language-aware URLs."""
from flask import g, request
from flask_babel import get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from .languages import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGE_NAMES", "LANGUAGES", "preferred_language", "render_translations",
           "select_locale"]


def preferred_language() -> str:
    """The signed-in learner's language, else Accept-Language, else English."""
    if current_user.is_authenticated and current_user.lang in LANGUAGES:
        return current_user.lang
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def select_locale() -> str:
    """Flask-Babel's locale selector: the language in the URL wins."""
    lang = g.get("lang")
    if lang in LANGUAGES:
        return lang
    if request:
        return preferred_language()
    return DEFAULT_LANGUAGE


def render_translations() -> dict:
    """Context processor: the templates' `gettext` and `ngettext`, bound to
    the catalogue of this render.

    Flask-Babel's template callables look the catalogue up again on every
    call (several context lookups each, and a page makes dozens of calls);
    binding it once per render_template gives the same catalogue, including
    under force_locale, for a fraction of the cost. New-style gettext, as
    Flask-Babel installs it: `%(name)s` filled from keyword arguments,
    escaped when the template autoescapes."""
    translations = get_translations()
    plain, plural = translations.ugettext, translations.ungettext

    @pass_context
    def gettext(context, string, **variables):
        text = plain(string)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    @pass_context
    def ngettext(context, singular, plural_form, num, **variables):
        variables.setdefault("num", num)
        text = plural(singular, plural_form, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    return {"gettext": gettext, "ngettext": ngettext}
