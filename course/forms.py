"""The base of every form of the app.

WTForms' own messages (a missing CSRF token, "Not a valid choice"...) come
from its catalogue in the page's language. Flask-WTF loads that catalogue
from disk again on every request that builds a form (each field's label is
translated as the form is built); here it is loaded once per language and
kept.

The CSRF token's hidden input is rendered without an `id`: a page with
several forms (an admin's learner page has two) would otherwise repeat
`id="csrf_token"`, which HTML forbids; nothing refers to it by id.
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        token = getattr(self, self.meta.csrf_field_name, None) if self.meta.csrf else None
        if token is not None:
            token.id = False  # WTForms leaves out an attribute whose value is False
