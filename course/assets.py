"""Static files under fingerprinted names, cached by browsers for a year.

`url_for('static', filename='style.css')` (and each area's `<area>.static`)
gives `/static/style.<hash>.css`, where the hash is the first 12 hex digits
of the file's SHA-256. A fingerprinted address never changes meaning, so it
is served with `Cache-Control: public, max-age=31536000, immutable`: a
browser or proxy keeps it until a new release names a new hash. The plain
name (`/static/style.css`) and a stale hash still answer, with the current
file and a short cache lifetime, so an old page or a bookmark never breaks.

Hashes are computed once per file and process (again after the file
changes, in debug mode only).
"""
import hashlib
import re
from pathlib import Path

from flask import Flask, current_app, send_from_directory

YEAR = 31_536_000
SHORT = 3_600
_NAME = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<ext>\.[A-Za-z0-9]+)$")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


class Fingerprints:
    """The fingerprint of each static file, computed on first use."""

    def __init__(self, debug: bool = False):
        self.debug = debug
        self._known: dict[tuple[str, str], tuple[int, str | None]] = {}

    def digest(self, folder: str, filename: str) -> str | None:
        """The file's fingerprint, or None if there is no such file."""
        key = (folder, filename)
        known = self._known.get(key)
        if known is not None and not self.debug:
            return known[1]
        path = Path(folder) / filename
        try:
            stamp = path.stat().st_mtime_ns if path.is_file() else -1
        except OSError:
            stamp = -1
        if known is not None and known[0] == stamp:
            return known[1]
        value = _digest(path) if stamp != -1 else None
        self._known[key] = (stamp, value)
        return value

    def name(self, folder: str, filename: str) -> str:
        """`style.css` -> `style.<hash>.css` (unchanged when the file is missing)."""
        digest = self.digest(folder, filename)
        if digest is None:
            return filename
        stem, dot, ext = filename.rpartition(".")
        if not dot or "/" in ext:
            return f"{filename}.{digest}"
        return f"{stem}.{digest}.{ext}"


def _static_folders(app: Flask) -> dict[str, str]:
    """Endpoint -> folder, for the app's and every blueprint's static files."""
    folders = {}
    if app.static_folder:
        folders["static"] = app.static_folder
    for name, blueprint in app.blueprints.items():
        if blueprint.has_static_folder:
            folders[f"{name}.static"] = blueprint.static_folder
    return folders


def _serve(folder: str):
    def serve(filename: str):
        fingerprints: Fingerprints = current_app.extensions["aula.assets"]
        match = _NAME.match(filename)
        if match:
            plain = match["stem"] + match["ext"]
            if fingerprints.digest(folder, plain) == match["digest"]:
                response = send_from_directory(folder, plain, max_age=YEAR)
                response.cache_control.immutable = True
                return response
            if fingerprints.digest(folder, plain) is not None:
                # An older release's address: today's file, not kept for long.
                return send_from_directory(folder, plain, max_age=SHORT)
        return send_from_directory(folder, filename, max_age=SHORT)

    return serve


def init_app(app: Flask) -> None:
    """Call after every blueprint is registered: it takes over their static routes."""
    fingerprints = Fingerprints(debug=app.debug)
    app.extensions["aula.assets"] = fingerprints
    folders = _static_folders(app)
    for endpoint, folder in folders.items():
        app.view_functions[endpoint] = _serve(folder)

    def fingerprint_static(endpoint: str, values: dict) -> None:
        folder = folders.get(endpoint)
        if folder is not None and "filename" in values:
            values["filename"] = fingerprints.name(folder, values["filename"])

    app.url_defaults(fingerprint_static)
