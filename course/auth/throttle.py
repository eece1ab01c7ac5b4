"""Limits on how often something may be tried, counted in the database
(`throttle_events`), so they hold across gunicorn workers, servers and
restarts.

A limit is a `Rule`: at most `limit` events of one kind for one key (an
email address, a client address) within `window`. Keys are stored as a keyed
hash (HMAC with SECRET_KEY), never as the address itself. Events older than
a day are deleted as new ones are recorded.
"""
import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import ThrottleEvent, utcnow

KEEP = timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    kind: str
    limit: int
    window: timedelta


def rules() -> dict[str, Rule]:
    """The limits, from the configuration (THROTTLE_* settings)."""
    config = current_app.config
    login_window = timedelta(seconds=config["THROTTLE_LOGIN_WINDOW"])
    day = timedelta(days=1)
    return {
        "login-account": Rule("login-account", config["THROTTLE_LOGIN_ACCOUNT"], login_window),
        "login-client": Rule("login-client", config["THROTTLE_LOGIN_CLIENT"], login_window),
        "email-address": Rule("email-address", config["THROTTLE_EMAILS_PER_ADDRESS"], day),
        "email-client": Rule("email-client", config["THROTTLE_EMAILS_PER_CLIENT"], day),
        "email-pause": Rule("email-pause", 1, timedelta(seconds=config["THROTTLE_EMAIL_PAUSE"])),
    }


def _key(kind: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{kind}\0{value}".encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def retry_after(rule: Rule, value: str) -> int | None:
    """Seconds until one more event is allowed, or None when it is allowed now."""
    now = utcnow()
    since = now - rule.window
    key = _key(rule.kind, value)
    moments = db.session.scalars(
        select(ThrottleEvent.created_at)
        .where(ThrottleEvent.kind == rule.kind, ThrottleEvent.key == key, ThrottleEvent.created_at > since)
        .order_by(ThrottleEvent.created_at.desc()).limit(rule.limit)
    ).all()
    if len(moments) < rule.limit:
        return None
    # Allowed again once the oldest of the last `limit` events leaves the window.
    wait = (moments[-1] + rule.window - now).total_seconds()
    return max(1, int(wait) + (wait % 1 > 0))


def blocked(*checks: tuple[Rule, str]) -> int | None:
    """The longest wait among several (rule, value) checks, or None."""
    waits = [w for w in (retry_after(rule, value) for rule, value in checks) if w is not None]
    return max(waits) if waits else None


def record(*events: tuple[Rule, str]) -> None:
    """Count one event for each (rule, value); committed at once."""
    now = utcnow()
    db.session.execute(delete(ThrottleEvent).where(ThrottleEvent.created_at < now - KEEP))
    for rule, value in events:
        db.session.add(ThrottleEvent(kind=rule.kind, key=_key(rule.kind, value), created_at=now))
    db.session.commit()


def forget(rule: Rule, value: str, commit: bool = True) -> None:
    """Clear the count of one key (a successful sign-in clears its account's failures)."""
    db.session.execute(delete(ThrottleEvent).where(ThrottleEvent.kind == rule.kind,
                                                   ThrottleEvent.key == _key(rule.kind, value)))
    if commit:
        db.session.commit()


def count(rule: Rule, value: str) -> int:
    since = utcnow() - rule.window
    return db.session.scalar(select(func.count(ThrottleEvent.id)).where(
        ThrottleEvent.kind == rule.kind, ThrottleEvent.key == _key(rule.kind, value), ThrottleEvent.created_at > since))
