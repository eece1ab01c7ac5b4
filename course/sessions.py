"""Flask's signed-cookie sessions, with each cookie's check kept in the process.

Every request of a signed-in user opens the session cookie: base64, zlib,
an HMAC checked with a key derived again each time, a timestamp. That cost
as much as a third of what a lesson page's own view costs. A cookie's text
never changes once signed, so the outcome of checking it can be kept: the
second request with the same cookie only checks its age again (the session
lifetime still ends it) and decodes its payload into a fresh session.

What is kept is keyed by the secret keys and the whole cookie, signature
included: a changed cookie, a rotated key or a tampered signature is
checked by Flask's own code, exactly as before. A refused cookie is never
kept. Flask writes cookies the usual way (save_session is unchanged).
"""
from __future__ import annotations

import time

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

#: Cookies kept per process (a few hundred bytes each); all forgotten when full.
MAX_COOKIES = 10_000


class CheckedCookieSessions(SecureCookieSessionInterface):
    def __init__(self) -> None:
        # (secret keys, cookie) -> (payload as the session serializer writes it, signed at: Unix seconds)
        self._checked: dict[tuple, tuple[str, int]] = {}

    def open_session(self, app: Flask, request) -> SecureCookieSession | None:
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie or not app.secret_key:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()), cookie)
        known = self._checked.get(key)
        if known is not None:
            payload, signed_at = known
            age = int(time.time()) - signed_at  # itsdangerous's own test of a timed signature
            if 0 <= age <= max_age:
                return self.session_class(self.serializer.loads(payload))
            self._checked.pop(key, None)
        serializer = self.get_signing_serializer(app)
        try:
            data, signed = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if len(self._checked) >= MAX_COOKIES:
            self._checked.clear()
        self._checked[key] = (self.serializer.dumps(data), int(signed.timestamp()))
        return self.session_class(data)


def init_app(app: Flask) -> None:
    app.session_interface = CheckedCookieSessions()
