"""What every page shares: the language in the URL, template helpers and
security headers."""
from datetime import datetime, timezone, tzinfo
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, abort, g, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale
from flask_login import current_user

from .content.markdown import render, render_inline
from .i18n import LANGUAGE_NAMES, LANGUAGES, render_translations
from .paging import page_url

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "media-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def _pull_lang(endpoint, values):
    if values and "lang" in values:
        lang = values.pop("lang")
        if lang not in LANGUAGES:
            abort(404)
        g.lang = lang


def _push_lang(endpoint, values):
    if "lang" in values or not g.get("lang"):
        return
    from flask import current_app

    if current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        values["lang"] = g.lang


def switch_language_url(lang: str) -> str:
    """This page in another language (the same lesson, the same query).

    A page answering a POST to an address that only takes POSTs (a failed
    content reload, an undone unsubscribe) switches to the course home.
    """
    twin = g.get("language_twin")  # (endpoint, values): a page whose address has no language
    if twin is not None:
        return url_for(twin[0], lang=lang, **twin[1])
    rule = request.url_rule
    if (rule is None or "lang" not in rule.arguments or request.endpoint is None
            or "GET" not in (rule.methods or ())):
        return url_for("learn.home", lang=lang)
    args = dict(request.view_args or {})
    args["lang"] = lang
    query = request.args.items(multi=True) if request.method == "GET" else ()
    return url_with_query(request.endpoint, args, query)


def url_with_query(endpoint: str, values: dict, query) -> str:
    """url_for(endpoint, **values), then `query` (pairs) as the query string.

    The query never goes through url_for's keywords: a visitor's `_external`,
    `_scheme`, `_method` or `_anchor` stays an ordinary query value.
    """
    url = url_for(endpoint, **values)
    pairs = [(k, v) for k, v in query if k not in values]
    return f"{url}?{urlencode(pairs)}" if pairs else url


def is_safe_next(target: str | None) -> bool:
    """A `next` address is followed only when it stays on this site.

    Control characters are refused too: urlsplit() silently drops tabs and
    line breaks before it reads an address (browsers do the same), and a
    line break cannot go into a Location header.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(ord(char) < 32 or ord(char) == 127 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _learner_zone() -> tzinfo:
    """The signed-in user's own time zone (UTC for visitors, or a zone Python does not know)."""
    if current_user.is_authenticated:
        try:
            return ZoneInfo(current_user.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            pass
    return timezone.utc


def learner_time(moment: datetime | None) -> str:
    """A stored moment in the signed-in user's own time zone, in the page's language."""
    if moment is None:
        return ""
    return format_datetime(moment.astimezone(_learner_zone()), "medium", rebase=False)


def learner_date(moment: datetime | None, format: str = "long") -> str:
    """The date of a stored moment where the signed-in user lives (not the UTC date)."""
    if moment is None:
        return ""
    return format_date(moment.astimezone(_learner_zone()), format, rebase=False)


#: Headers every response carries unless its view set them already.
_DEFAULT_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)
_HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def _security_headers(response):
    """The security headers (each added unless the view set it), and a
    signed-in user's pages kept out of shared caches. One pass over the
    response's few headers: Headers.setdefault looks its key up by raising
    and catching an exception, which cost more than the rest of this."""
    from flask import current_app

    headers = response.headers
    present = {key.lower() for key, _value in headers.items()}
    defaults = _DEFAULT_HEADERS
    if current_app.config["BASE_URL"].startswith("https://"):
        defaults = (_HSTS, *defaults)
    for key, value in defaults:
        if key.lower() not in present:
            headers.add(key, value)
    if current_user.is_authenticated and not (request.endpoint or "").endswith("static"):
        # A signed-in user's pages are theirs alone: no shared cache, nothing kept on disk.
        headers["Cache-Control"] = "private, no-store"
        if "vary" in present:
            response.vary.add("Cookie")
        else:
            headers.add("Vary", "Cookie")
    return response


def add_menu_item(app: Flask, endpoint: str, label, roles: tuple[str, ...] | None = None) -> None:
    """Let an area add a link to the signed-in user's menu (optionally by role)."""
    app.extensions.setdefault("aula.menu", []).append((endpoint, label, roles))


def fill_slot(app: Flask, name: str, template: str) -> None:
    """Let an area put one of its templates into a named slot of another
    area's page (e.g. "lesson.after"), so that the page need not know the
    area. The slot's page includes it with its own context; slots are
    listed where they are offered (e.g. course/learn/__init__.py)."""
    app.extensions.setdefault("aula.slots", {}).setdefault(name, []).append(template)


def slot(name: str) -> list[str]:
    """The templates areas put into slot `name`, in the order they did (for `{% include %}`)."""
    from flask import current_app

    return current_app.extensions.get("aula.slots", {}).get(name, [])


def add_admin_page(app: Flask, endpoint: str, label) -> None:
    """Let an area add one of its pages to the administrators' navigation
    (after the admin area's own). The page extends "admin/layout.html"."""
    app.extensions.setdefault("aula.admin_pages", []).append((endpoint, label))


def admin_pages() -> list[tuple[str, str]]:
    """(endpoint, label) of the pages other areas added to the administrators' navigation."""
    from flask import current_app

    return [(endpoint, str(label)) for endpoint, label in current_app.extensions.get("aula.admin_pages", [])]


def account_menu() -> list[dict]:
    """The menu links the current user may see, in the order areas added them."""
    from flask import current_app

    items = []
    user = current_user._get_current_object()
    for endpoint, label, roles in current_app.extensions.get("aula.menu", []):
        if roles is None or (user.is_authenticated and user.role in roles):
            items.append({"url": url_for(endpoint), "label": str(label), "endpoint": endpoint})
    return items


def init_app(app: Flask) -> None:
    app.extensions.setdefault("aula.menu", [])
    app.url_value_preprocessor(_pull_lang)
    app.url_defaults(_push_lang)
    app.after_request(_security_headers)
    app.jinja_env.globals.update(
        get_locale=get_locale,
        format_date=format_date,
        format_datetime=format_datetime,
        format_decimal=format_decimal,
        format_percent=format_percent,
        learner_time=learner_time,
        learner_date=learner_date,
        switch_language_url=switch_language_url,
        account_menu=account_menu,
        admin_pages=admin_pages,
        slot=slot,
        page_url=page_url,
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
    )
    app.jinja_env.filters["markdown"] = render
    app.jinja_env.filters["markdown_inline"] = render_inline
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    app.context_processor(render_translations)

    @app.context_processor
    def _current_lang():
        return {"lang": g.get("lang") or str(get_locale())}
