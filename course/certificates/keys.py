"""The instance's signing key for Open Badges credentials: an Ed25519 key
generated once and kept in the instance folder (readable by its owner only,
like the secret key), and its public half as a JWK set at a stable address.

Every app server of a deployment must share the same file (as they share
SECRET_KEY), so that credentials from any of them verify with the one
published key.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from joserfc.jwk import OKPKey

_CACHE = "aula.signing_key"


def _create_once(path: Path) -> bytes:
    """The PEM in `path`, written now (mode 0600, atomically) if there is none."""
    if path.exists():
        return path.read_bytes()
    from joserfc.jwk import OKPKey  # here: joserfc and its crypto back end are a sixth of every process start

    pem = OKPKey.generate_key("Ed25519", private=True).as_pem(private=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    try:
        os.link(tmp, path)  # fails if another process won the race: use theirs
    except FileExistsError:
        pem = path.read_bytes()
    finally:
        tmp.unlink(missing_ok=True)
    return pem


def signing_key() -> OKPKey:
    """The private key (read once per process)."""
    key = current_app.extensions.get(_CACHE)
    if key is None:
        from joserfc.jwk import OKPKey

        key = OKPKey.import_key(_create_once(Path(current_app.config["CERTIFICATE_KEY_FILE"])))
        if key.as_dict(private=False).get("crv") != "Ed25519":
            raise ValueError(f"{current_app.config['CERTIFICATE_KEY_FILE']} is not an Ed25519 key")
        current_app.extensions[_CACHE] = key
    return key


def key_id() -> str:
    """The key's RFC 7638 thumbprint: its `kid` in the JWK set and in each credential's header."""
    return signing_key().thumbprint()


def public_jwk() -> dict:
    return {**signing_key().as_dict(private=False), "kid": key_id(), "use": "sig", "alg": "EdDSA"}


def jwk_set() -> dict:
    return {"keys": [public_jwk()]}
