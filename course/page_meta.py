"""What search engines and link previews read in every page's head: a
description in the page's language, its canonical address and the same page
in the other languages (hreflang alternates, English as x-default).

Addresses are absolute (search engines ignore relative canonical and
alternate links) and built on BASE_URL, the public address of the site.
"""
from urllib.parse import urlsplit

from flask import current_app, g, request

from .content import get_content
from .i18n import DEFAULT_LANGUAGE, LANGUAGES
from .web import switch_language_url


def page_description() -> str:
    """The summary of the lesson, else the module, else the course the page is about."""
    lang = g.get("lang") if g.get("lang") in LANGUAGES else DEFAULT_LANGUAGE
    course = get_content().course(lang)
    args = request.view_args or {}
    if args.get("lesson_id"):
        ref = course.lesson(args["lesson_id"])
        if ref is not None and ref.module_id == args.get("module_id", ref.module_id):
            return ref.lesson.summary
    if args.get("module_id"):
        module = course.module(args["module_id"])
        if module is not None:
            return module.module.summary
    return course.course.summary


def _absolute(path: str) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    return f"{base.scheme}://{base.netloc}{path}"


def page_address(lang: str) -> str:
    """The absolute address of this page in `lang`."""
    return _absolute(switch_language_url(lang))


def page_alternates() -> list[tuple[str, str]]:
    """(hreflang, address) for every language of this page, then x-default."""
    links = [(code, page_address(code)) for code in LANGUAGES]
    return links + [("x-default", page_address(DEFAULT_LANGUAGE))]


def init_app(app) -> None:
    app.jinja_env.globals.update(page_description=page_description, page_address=page_address,
                                 page_alternates=page_alternates)
