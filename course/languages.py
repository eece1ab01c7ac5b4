"""The course languages: plain constants, with no Flask in sight, so that
the content library and scripts can use them."""

#: The course languages, in the order the language switcher shows them.
LANGUAGES = ("it", "es", "pl", "en")
#: The reference language of the content and the UI's source language.
DEFAULT_LANGUAGE = "en"
#: Each language's name in that language, for the switcher.
LANGUAGE_NAMES = {"it": "Italiano", "es": "Español", "pl": "Polski", "en": "English"}
