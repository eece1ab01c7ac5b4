"""Keep the loaded course on the app: load once, reload on demand."""
import threading
from pathlib import Path

from flask import Flask, current_app

from .content import ContentError, load_content
from .content.markdown import render, render_inline

_lock = threading.Lock()


def fingerprint(root: Path) -> tuple:
    """What changes when any content file changes (names, sizes, times)."""
    items = []
    for path in sorted(root.rglob("*.yaml")):
        stat = path.stat()
        items.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(items)


def _warm_markdown(content) -> None:
    """Render every Markdown text once, at load time, never per request."""
    for view in (content.course(lang) for lang in content.trees):
        for module in view.modules:
            for outcome in module.module.learning_outcomes:
                render_inline(outcome)
            for ref in module.lessons:
                for block in ref.lesson.blocks:
                    for name in ("body", "intro"):
                        render(getattr(block, name, None))
                    for item in getattr(block, "items", ()):
                        render_inline(item)


#: The last course loaded from each folder, with its fingerprint. Content is
#: immutable, so apps created in one process (tests, reloads) share it while
#: the files are unchanged.
_loaded: dict[Path, tuple[tuple, object]] = {}


def _load(root: Path):
    stamp = fingerprint(root)
    cached = _loaded.get(root)
    if cached and cached[0] == stamp:
        return cached[1], stamp
    content = load_content(root)
    _warm_markdown(content)
    _loaded[root] = (stamp, content)
    return content, stamp


def init_app(app: Flask) -> None:
    """Load the course; invalid content raises ContentError and stops start-up."""
    root = Path(app.config["CONTENT_DIR"]).resolve()
    content, stamp = _load(root)
    app.extensions["aula.content"] = content
    app.extensions["aula.content_fingerprint"] = stamp
    if app.debug:
        app.before_request(reload_if_changed)


def reload_content() -> list:
    """Load the course again. Returns the problems; on errors the old course stays."""
    app = current_app._get_current_object()
    root = Path(app.config["CONTENT_DIR"]).resolve()
    with _lock:
        try:
            content, stamp = _load(root)
        except ContentError as exc:
            return exc.problems
        app.extensions["aula.content"] = content
        app.extensions["aula.content_fingerprint"] = stamp
        return []


def reload_if_changed() -> None:
    """In debug mode, edits to the YAML show up on the next request."""
    root = Path(current_app.config["CONTENT_DIR"]).resolve()
    if fingerprint(root) != current_app.extensions.get("aula.content_fingerprint"):
        problems = reload_content()
        for problem in problems:
            current_app.logger.error("content: %s", problem)
