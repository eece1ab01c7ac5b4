"""Languages, locale selection and language-aware URLs."""
from flask import g, request
from flask_login import current_user

#: The course languages, in the order the language switcher shows them.
LANGUAGES = ("it", "es", "pl", "en")
#: The reference language of the content and the UI's source language.
DEFAULT_LANGUAGE = "en"
#: Each language's name in that language, for the switcher.
LANGUAGE_NAMES = {"it": "Italiano", "es": "Español", "pl": "Polski", "en": "English"}


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
