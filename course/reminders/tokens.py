"""Secret links: unsubscribe from reminders, the calendar feed. (Confirming
an email address is auth's: see course/auth/confirmation.py.)

An unsubscribe link is signed with SECRET_KEY (itsdangerous, a salt of its
own). It never expires (it is in every reminder, however old) but carries
the account's `link_nonce`: changing it (User.revoke_links) revokes every
such link.

The calendar feed's token is an HMAC of the account's `calendar_salt` with
SECRET_KEY: the page can show the address again, and the database keeps only
the token's SHA-256 (to find the account), never the token.
"""
import base64
import hashlib
import hmac
import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..models import User

UNSUBSCRIBE_SALT = "aula.reminders.unsubscribe"


class TokenInvalid(Exception):
    """The link was not made by this site (or was changed)."""


def _unsubscribe() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user) -> str:
    return _unsubscribe().dumps([user.id, user.link_nonce or ""])


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, link nonce). A link made before nonces (a bare id) reads as the empty nonce:
    it works until the account's links are revoked."""
    try:
        value = _unsubscribe().loads(token)
    except BadSignature as exc:
        raise TokenInvalid() from exc
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value, ""]
    if (not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], int) or isinstance(value[0], bool)
            or not isinstance(value[1], str) or not 0 < value[0] < 2**63):
        raise TokenInvalid()
    return value[0], value[1]


def nonce_matches(user, nonce: str) -> bool:
    return hmac.compare_digest((user.link_nonce or "").encode(), nonce.encode())


# -- the calendar feed -------------------------------------------------------

def token_hash(token: str) -> str:
    """What the database keeps of a calendar token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _feed_token(user) -> str:
    message = f"aula.calendar\0{user.id}\0{user.calendar_salt}".encode()
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")  # 43 URL-safe characters


def calendar_token(user, new: bool = False) -> str:
    """The account's calendar token (a new one when `new`: the old address stops working).
    Keeps its hash on the user (the ORM object, loaded only then); the caller
    commits when it changed."""
    if new or not user.calendar_salt:
        user = User.of(user)
        user.calendar_salt = secrets.token_hex(16)
    token = _feed_token(user)
    digest = token_hash(token)
    if user.calendar_token != digest:
        User.of(user).calendar_token = digest
    return token
