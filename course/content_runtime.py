"""Keep the loaded course on the app: load once, reload on demand.

Reloading reaches every worker process and every app server: a reload (the
instructors' "Reload content" button or `flask course reload`) first loads
the content in the process that runs it, and only if it is valid bumps the
`content_generation` value in the `scheduler_state` table. Each worker
compares that value with the one it loaded, at most once every
CONTENT_CHECK_SECONDS (default 2) and only when it serves a request: one
primary-key read, so the cost is nil. A worker whose reload fails keeps the
course it has and logs the problems. In debug mode, edits to the YAML files
also show up on the next request, without the button.
"""
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from .content import Content, ContentError, load_content
from .content.markdown import render, render_inline
from .extensions import db
from .models import SchedulerState, utcnow

GENERATION_KEY = "content_generation"
CHECK_SECONDS_DEFAULT = 2.0
_lock = threading.Lock()


@dataclass
class ContentState:
    """What this process knows about the content it serves."""

    loaded_at: object = field(default_factory=utcnow)
    generation: str | None = None      # None until first compared with the database
    next_check: float = 0.0            # time.monotonic() of the next comparison
    problems: tuple = ()               # of the last failed reload, if any


def fingerprint(root: Path) -> tuple:
    """What changes when any content file changes (names, sizes, times).

    Every app start and, in debug mode, every request asks: plain strings and
    os.walk (which, like Path.rglob, does not descend into linked folders)
    cost a fifth of what a Path object per file did.
    """
    items = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".yaml"):
                continue
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            items.append((path, stat.st_size, stat.st_mtime_ns))
    return tuple(items)


#: The last course loaded from each folder, with its fingerprint. Content is
#: immutable, so apps created in one process (tests, reloads) share it while
#: the files are unchanged. A server loads one folder; a process that loads
#: many (the tests' copies of the course) keeps the most recently used few.
_loaded: dict[Path, tuple[tuple, Content]] = {}
_loaded_lock = threading.Lock()
KEEP_FOLDERS = 4


def _load(root: Path) -> tuple[Content, tuple]:
    stamp = fingerprint(root)
    cached = _loaded.get(root)
    content = cached[1] if cached and cached[0] == stamp else load_content(root)
    with _loaded_lock:
        _loaded.pop(root, None)
        _loaded[root] = (stamp, content)  # last in the dict: the most recently used
        while len(_loaded) > KEEP_FOLDERS:
            del _loaded[next(iter(_loaded))]
    return content, stamp


def init_app(app: Flask) -> None:
    """Load the course; invalid content raises ContentError and stops start-up.

    Only errors stop it: a lesson not yet translated is shown in English.
    """
    root = Path(app.config["CONTENT_DIR"]).resolve()
    content, stamp = _load(root)
    app.extensions["aula.content"] = content
    app.extensions["aula.content_fingerprint"] = stamp
    app.extensions["aula.content_state"] = ContentState()
    if app.debug:
        app.before_request(reload_if_changed)
    app.before_request(follow_generation)
    # Markdown is rendered when a page first shows it, then kept (the page
    # cache keeps whole pages, see pagecache.py): a worker spends no time on
    # lessons nobody opens, which matters for a course of a thousand lessons.


def state() -> ContentState:
    return current_app.extensions["aula.content_state"]


def reload_content() -> list:
    """Load the course again in this process. Returns the problems; on
    errors the old course stays in place."""
    app = current_app._get_current_object()
    root = Path(app.config["CONTENT_DIR"]).resolve()
    current = app.extensions["aula.content_state"]
    with _lock:
        try:
            content, stamp = _load(root)
        except ContentError as exc:
            current.problems = tuple(exc.problems)
            return exc.problems
        if content is not app.extensions["aula.content"]:
            render.cache_clear()  # forget the texts of the old course
            render_inline.cache_clear()
        app.extensions["aula.content"] = content
        app.extensions["aula.content_fingerprint"] = stamp
        current.loaded_at, current.problems = utcnow(), ()
        return []


def check_now() -> Content:
    """The course in the content folder now (raises ContentError if broken)."""
    return _load(Path(current_app.config["CONTENT_DIR"]).resolve())[0]


def reload_everywhere() -> list:
    """Reload here and, when the content is valid, tell every other worker.
    Returns the problems (none when the new content is in place)."""
    problems = reload_content()
    if not problems:
        try:
            state().generation = bump_generation()
        except (SQLAlchemyError, RuntimeError):
            # Reloaded here; the other workers follow at their next restart.
            db.session.rollback()
            current_app.logger.exception("content reloaded, but the other workers could not be told")
    return problems


def bump_generation() -> str:
    """Record a new content generation; every worker reloads when it sees it."""
    value = f"{int(time.time())}-{secrets.token_hex(4)}"
    for _attempt in range(3):
        row = db.session.get(SchedulerState, GENERATION_KEY)
        if row is None:
            db.session.add(SchedulerState(name=GENERATION_KEY, value=value))
        else:
            row.value = value
        try:
            db.session.commit()
            return value
        except SQLAlchemyError:  # another process created the row at the same moment
            db.session.rollback()
    raise RuntimeError("could not record the content generation")


def follow_generation() -> None:
    """Reload when another process announced new content (checked at most
    every CONTENT_CHECK_SECONDS)."""
    mine = state()
    now = time.monotonic()
    if now < mine.next_check:
        return
    mine.next_check = now + float(current_app.config.get("CONTENT_CHECK_SECONDS", CHECK_SECONDS_DEFAULT))
    try:
        row = db.session.get(SchedulerState, GENERATION_KEY)
        value, changed_at = (row.value, row.updated_at) if row else (None, None)
    except SQLAlchemyError:  # no table yet (before `db upgrade`), or the database is away
        db.session.rollback()
        return
    if value is None or value == mine.generation:
        return
    first_look = mine.generation is None
    mine.generation = value
    # A fresh worker loaded the files at start-up; it reloads only if the
    # announcement may be newer than that (a minute's margin for clock skew).
    if first_look and changed_at is not None and changed_at < mine.loaded_at - timedelta(minutes=1):
        return
    problems = reload_content()
    for problem in problems:
        current_app.logger.error("content reload (generation %s): %s", value, problem)


def reload_if_changed() -> None:
    """In debug mode, edits to the YAML show up on the next request."""
    root = Path(current_app.config["CONTENT_DIR"]).resolve()
    stamp = fingerprint(root)
    if stamp != current_app.extensions.get("aula.content_fingerprint"):
        problems = reload_content()
        if problems:
            # Do not try again on every request until the files change again.
            current_app.extensions["aula.content_fingerprint"] = stamp
        for problem in problems:
            current_app.logger.error("content: %s", problem)
