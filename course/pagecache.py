"""Pages made of a shared part, rendered once, and personal parts filled per request.

A course page is the same for everyone who sees it in the same language with
the same role, except for a few places: the learner's progress, notes and
answers, the CSRF tokens, the flash messages. `render_page()` renders a
page's template once per (template, address, language, role, course) with a
*stand-in* for the user that knows only the role, and caches the result with
holes where templates call `personal(...)`. Each request then fills only the
holes, with the real user.

Nothing personal can enter the shared part: while it renders, `current_user`
in the template is the stand-in, which refuses to tell anything but the role
(asking it for a name or an email raises), and the view passes its personal
values (progress, forms) only to the fill. `personal()` outside
`render_page()` renders in place, so a template works the same with or
without the cache, and the tests compare both.

The cache lives in the process and is keyed by the loaded course object: a
reload (which every worker and server follows through the content
generation, see `content_runtime`) starts an empty cache. A new catalogue or
template only comes with a restart, which empties it too.

A personal part is a *filler*: a template (a name ending in `.html`, rendered
with the page's context and the call's arguments) or a function registered
with `@filler(name)` (called with the context and the arguments).
"""
from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable

from flask import Flask, Response, current_app, g, request
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import new_context
from markupsafe import Markup

from .models import STAFF_ROLES, Role

#: Between a hole's number and the text around it. Random per process, so no
#: text of the course can imitate it.
_SEP = "\x00" + secrets.token_hex(8) + "\x00"
#: Entries kept per course (each is one page's shared HTML, about 10 kB).
MAX_ENTRIES = 5_000

_fillers: dict[str, Callable] = {}


def filler(name: str):
    """Register a function that fills the holes named `name`: f(context, **args) -> str."""
    def register(function):
        _fillers[name] = function
        return function
    return register


class UserStandIn:
    """What the shared part may know about the user: the role, nothing else."""

    def __init__(self, role: str | None):
        self.role = role
        self.is_authenticated = role is not None
        self.is_anonymous = role is None
        self.is_active = role is not None
        self.is_staff = role in STAFF_ROLES
        self.is_admin = role == Role.ADMIN

    def __getattr__(self, name):
        raise PersonalDataInSharedPart(
            f"current_user.{name} is personal: read it inside personal(...), not in the shared part")


class PersonalDataInSharedPart(RuntimeError):
    """A template read something personal where the page is shared."""


class _Refused:
    """Stands for a per-user helper (CSRF token, flash messages, the session) in the shared part."""

    def __init__(self, name: str):
        self.name = name

    def _refuse(self, *_args, **_kwargs):
        raise PersonalDataInSharedPart(f"{self.name} is personal: use it inside personal(...)")

    __call__ = __getattr__ = __getitem__ = __iter__ = __bool__ = _refuse


@dataclass(frozen=True)
class Entry:
    texts: tuple[str, ...]              # len(holes) + 1 pieces of shared HTML
    holes: tuple[tuple[str, dict], ...]  # (filler name, arguments)


class PageCache:
    def __init__(self):
        self._content = None
        self._entries: dict[tuple, Entry] = {}
        self._lock = threading.Lock()

    def get(self, content, key):
        if content is not self._content:
            return None
        return self._entries.get(key)

    def put(self, content, key, entry) -> None:
        with self._lock:
            if content is not self._content:
                self._content, self._entries = content, {}
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = entry

    def clear(self) -> None:
        with self._lock:
            self._content, self._entries = None, {}


def role_of(user) -> str | None:
    return user.role if user.is_authenticated else None


def _fill(name: str, context, args: dict) -> str:
    """One personal part. A function filler gets `context` as it is; a
    template filler the whole template context (`context.full()` when it is
    a _Values, see _render), shared by every part of the request instead of
    copying every global for each part."""
    if not name.endswith(".html"):
        return _fillers[name](context, **args)
    env = current_app.jinja_env
    template = env.get_template(name)
    full = context.full() if isinstance(context, _Values) else context
    variables = {**full, **args} if args else full
    try:
        return env.concat(template.root_render_func(
            new_context(env, template.name, template.blocks, variables, shared=True)))
    except Exception:  # noqa: BLE001 - re-raised with the template's line, as Template.render does
        return env.handle_exception()


class _Values(dict):
    """The view's values (shared and personal) for the fillers of one request.

    Function fillers read only these; the whole template context (context
    processors and the environment's globals) is built the first time a
    template filler needs it, once per request: most signed-in pages have
    only function fillers."""

    __slots__ = ("_full",)

    def __init__(self, values: dict):
        super().__init__(values)
        self._full = None

    def full(self) -> dict:
        if self._full is None:
            context = dict(self)
            current_app.update_template_context(context)
            self._full = {**current_app.jinja_env.globals, **context}
        return self._full


@pass_context
def personal(ctx, name: str, **args) -> Markup:
    """A hole in the shared part (while it is being cached), else the part itself."""
    holes = g.get("aula_holes")
    if holes is not None:
        holes.append((name, args))
        return Markup(f"{_SEP}{len(holes) - 1}{_SEP}")
    return Markup(_fill(name, ctx.get_all(), args))  # get_all() includes the globals


def render_page(template: str, shared: dict, personal_values: dict | None = None) -> Response:
    """The page `template`: the cached shared part plus this request's personal parts.

    `shared` holds what is the same for every user of this role on this
    address (the course, the module, the lesson); `personal_values` what is
    this user's (their progress, forms with CSRF tokens). Both reach the
    holes; only `shared` reaches the shared part.

    A visitor without a session cookie gets a public, cacheable page with an
    `ETag` and `Last-Modified`, and `304 Not Modified` when a browser or a
    proxy already has it. Anyone with a session gets `private, no-store`.
    """
    if _is_public():
        return _public_response(template, shared, personal_values)
    response = Response(_render(template, shared, personal_values), mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _is_public() -> bool:
    """A visitor with no cookie of ours: the page is the same for every such visitor."""
    config = current_app.config
    cookies = request.cookies
    return (request.method in ("GET", "HEAD")
            and config["SESSION_COOKIE_NAME"] not in cookies
            and config.get("REMEMBER_COOKIE_NAME", "remember_token") not in cookies
            and not current_user.is_authenticated)


def _public_response(template: str, shared: dict, personal_values: dict | None) -> Response:
    app = current_app._get_current_object()
    cache: PageCache = app.extensions["aula.pages"]
    content = app.extensions["aula.content"]
    key = ("public", request.path)
    # Kept only for the plain address: any query string would make a new entry.
    keep = app.config.get("PAGE_CACHE", True) and not request.query_string
    known = cache.get(content, key) if keep else None
    if known is None:
        body = _render(template, shared, personal_values).encode()
        known = (body, hashlib.sha256(body).hexdigest()[:32], _last_modified(app))
        if keep:
            cache.put(content, key, known)
    body, etag, modified = known
    response = Response(body, mimetype="text/html")
    response.set_etag(etag)
    response.last_modified = modified
    response.cache_control.public = True
    response.cache_control.max_age = int(app.config.get("PUBLIC_PAGE_MAX_AGE", 300))
    response.vary.add("Cookie")
    return response.make_conditional(request)


def _last_modified(app: Flask) -> datetime:
    """The newest of the course files and the app's own templates and catalogues."""
    stamps = [mtime for _path, _size, mtime in app.extensions.get("aula.content_fingerprint", ())]
    stamps.append(_release_mtime())
    return datetime.fromtimestamp(max(stamps) / 1e9, tz=timezone.utc).replace(microsecond=0)


@lru_cache(maxsize=1)
def _release_mtime() -> int:
    """The newest of the app's own files, found once per process (on its first
    public page, not at start-up): new code, templates or catalogues come with
    a restart, like the page cache itself."""
    here = Path(__file__).resolve().parent
    files = [p for pattern in ("**/*.html", "**/*.mo", "**/*.py") for p in here.glob(pattern)]
    return max((p.stat().st_mtime_ns for p in files), default=0)


def _render(template: str, shared: dict, personal_values: dict | None) -> str:
    app = current_app._get_current_object()
    content = app.extensions["aula.content"]
    user = current_user._get_current_object()
    role = role_of(user)
    key = (template, g.get("lang"), request.endpoint, tuple(sorted((request.view_args or {}).items())), role)
    cache: PageCache = app.extensions["aula.pages"]
    entry = cache.get(content, key) if app.config.get("PAGE_CACHE", True) else None
    if entry is None:
        entry = _render_shared(app, template, shared, role)
        cache.put(content, key, entry)
    context = _Values({**shared, **(personal_values or {})})
    pieces = [entry.texts[0]]
    for (name, args), text in zip(entry.holes, entry.texts[1:]):
        pieces.append(_fill(name, context, args))
        pieces.append(text)
    return "".join(pieces)


def _render_shared(app: Flask, template: str, shared: dict, role: str | None) -> Entry:
    context = dict(shared)
    app.update_template_context(context)
    context["current_user"] = UserStandIn(role)
    for name in ("csrf_token", "get_flashed_messages", "session"):
        context[name] = _Refused(name)
    g.aula_holes = holes = []
    try:
        html = app.jinja_env.get_template(template).render(context)
    finally:
        g.aula_holes = None
    parts = html.split(_SEP)
    texts = tuple(parts[0::2])
    order = [int(number) for number in parts[1::2]]
    return Entry(texts=texts, holes=tuple(holes[i] for i in order))


# -- fillers every page uses ----------------------------------------------

#: (secret key, the session's raw CSRF token) -> that token signed, as Flask-WTF's
#: generate_csrf() signs it. Signing (a serializer, HMAC, a timestamp) was the
#: costliest hole of a signed-in page; a signed token stays valid as long as the
#: session's raw token, since tokens do not expire here (WTF_CSRF_TIME_LIMIT None).
_signed_tokens: dict[tuple, str] = {}
MAX_SIGNED_TOKENS = 10_000


@filler("csrf_token")
def _csrf_token(context, **_args) -> str:
    """generate_csrf(), with the signed form of a session's token kept in the process."""
    from flask import session
    from flask_wtf.csrf import generate_csrf

    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    known = g.get(field)
    if known is not None:  # a page has several forms: what generate_csrf() returns again
        return known
    raw = session.get(field)
    if config.get("WTF_CSRF_TIME_LIMIT", 3600) is not None or not isinstance(raw, str):
        return generate_csrf()
    key = (config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, raw)
    token = _signed_tokens.get(key)
    if token is None:
        token = generate_csrf()
        if len(_signed_tokens) >= MAX_SIGNED_TOKENS:
            _signed_tokens.clear()
        _signed_tokens[key] = token
    else:
        setattr(g, field, token)  # what generate_csrf() would keep for the rest of the request
    return token


@filler("flashes")
def _flashes(context, **_args) -> str:
    """The flash messages (`_flashes.html`); nothing to render on most requests."""
    from flask import get_flashed_messages

    if not get_flashed_messages():  # kept by Flask for the rest of the request
        return ""
    return _fill("_flashes.html", context, {})


@filler("login_url")
def _login_url(context, **_args) -> str:
    """The sign-in address, coming back to this page (with its query) afterwards."""
    from flask import url_for
    from markupsafe import escape

    return escape(url_for("auth.login", next=request.full_path if request.method == "GET" else None))


def init_app(app: Flask) -> None:
    app.extensions["aula.pages"] = PageCache()
    app.jinja_env.globals["personal"] = personal
