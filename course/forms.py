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
from flask import request
from flask_babel import get_locale
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import ImmutableMultiDict
from wtforms.i18n import messages_path


@lru_cache(maxsize=16)
def wtforms_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def json_formdata() -> ImmutableMultiDict:
    """A JSON body as form data: only an object's text values (or lists of
    text) count; anything else (a bare string, numbers, nested objects) is
    not what a form sends, and is left out instead of reaching the fields."""
    data = request.get_json()  # invalid JSON: 400
    pairs = []
    if isinstance(data, dict):
        for key, value in data.items():
            values = value if isinstance(value, list) else [value]
            pairs += [(key, item) for item in values if isinstance(item, str)]
    return ImmutableMultiDict(pairs)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return wtforms_catalogue(str(get_locale()))

        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and _is_submitted() and not request.files and not request.form and request.is_json:
                return json_formdata()
            return super().wrap_formdata(form, formdata)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        token = getattr(self, self.meta.csrf_field_name, None) if self.meta.csrf else None
        if token is not None:
            token.id = False  # WTForms leaves out an attribute whose value is False
