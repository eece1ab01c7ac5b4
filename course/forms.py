"""The base of every form of the app.

WTForms' own messages (a missing CSRF token, "Not a valid choice"...) come
from its catalogue in the page's language. Flask-WTF loads that catalogue
from disk again on every request that builds a form (each field's label is
translated as the form is built); here it is loaded once per language and
kept.
"""
from functools import lru_cache

from babel import support
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


@lru_cache(maxsize=16)
def wtforms_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return wtforms_catalogue(str(get_locale()))
