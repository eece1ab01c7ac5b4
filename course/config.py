"""Configuration from the environment, each setting with a working default."""
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    key = secrets.token_hex(32)
    # Create the file readable by its owner only, atomically.
    tmp = key_file.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    try:
        os.link(tmp, key_file)  # fails if another process won the race
    except FileExistsError:
        key = key_file.read_text(encoding="utf-8").strip()
    finally:
        tmp.unlink(missing_ok=True)
    return key


def from_environment(instance_path: str, overrides: dict | None = None) -> dict:
    """The app's configuration, read from the environment.

    Settings given in `overrides` are not looked up (so a test that sets its
    own SECRET_KEY never writes one to the instance folder).
    """
    overrides = overrides or {}
    instance = Path(instance_path)
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)  # keys, the database, the outbox: owner only
    base_url = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    return {
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'aula.sqlite3'}"
        ),
        "SECRET_KEY": overrides.get("SECRET_KEY") or _secret_key(instance),
        "SMTP_URL": os.environ.get("SMTP_URL", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", ""),
        "BASE_URL": base_url,
        "CONTENT_DIR": os.environ.get("CONTENT_DIR", str(PROJECT_ROOT / "content")),
        "OUTBOX_DIR": str(instance / "outbox"),
    }


def derived(config: dict) -> dict:
    """Settings that follow from the others."""
    secure = urlsplit(config["BASE_URL"]).scheme == "https"
    engine = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    # A server's connections can drop (a restart, a failover, an idle timeout): test each
    # one as it leaves the pool. An SQLite file has nothing to drop, so no ping per request.
    engine.setdefault("pool_pre_ping", not str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"))
    return {
        "SQLALCHEMY_ENGINE_OPTIONS": engine,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "PREFERRED_URL_SCHEME": "https" if secure else "http",
    }


DEFAULTS = {
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "UTC",
    "PASSWORD_MIN_LENGTH": 8,
    "REMEMBER_COOKIE_DURATION": timedelta(days=30),  # "keep me signed in" lasts at most this long
    # Limits counted in the database (course/auth/throttle.py):
    "THROTTLE_LOGIN_ACCOUNT": 5,        # failed sign-ins for one account...
    "THROTTLE_LOGIN_CLIENT": 30,        # ...and from one client address, across accounts...
    "THROTTLE_LOGIN_WINDOW": 15 * 60,   # ...within 15 minutes (seconds)
    "THROTTLE_EMAILS_PER_ADDRESS": 5,   # password-reset and confirmation emails per address and day
    "THROTTLE_EMAILS_PER_CLIENT": 20,   # the same, asked for from one client address per day
    "THROTTLE_EMAIL_PAUSE": 60,         # seconds between two confirmation links asked for from a page
}
