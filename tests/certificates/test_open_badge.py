"""The Open Badges 3.0 credential: signed as a VC-JWT with the instance's
Ed25519 key, verified here with the published JWK set alone."""
import base64
import hashlib
import json
import os
import stat
import warnings
from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from .conftest import certificate_of


@pytest.fixture
def app_config(tmp_path):
    return {"CERTIFICATE_KEY_FILE": str(tmp_path / "instance" / "certificate-signing-key.pem")}


def _verify(token: str, jwks: dict):
    """What a verifier does with the JWK set it downloaded: check the signature.
    (joserfc warns that RFC 9864 renamed EdDSA; Open Badges verifiers use that name.)"""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="EdDSA is deprecated")
        return jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["EdDSA"])


def _credential(client, lang="en"):
    response = client.get(f"/{lang}/my/certificate.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


@pytest.mark.parametrize("lang, name", [
    ("en", "Customer service"), ("it", "Servizio clienti"), ("es", "Atención al cliente"), ("pl", "Obsługa klienta"),
])
def test_the_credential_verifies_with_the_published_key(app, client, finished, lang, name):
    user_id = finished(lang=lang, name="Zoë Ñúñez", email="zoe@example.org")
    cert = certificate_of(app, user_id)
    body = _credential(client, lang)
    jwks = client.get("/.well-known/jwks.json").get_json()
    token = _verify(body["compactJwsString"], jwks)
    assert token.header["alg"] == "EdDSA"
    assert token.header["typ"] == "JWT"
    assert token.header["kid"] == jwks["keys"][0]["kid"]
    assert token.header["jwk"] == {k: jwks["keys"][0][k] for k in ("kty", "crv", "x")} | {
        "kid": jwks["keys"][0]["kid"], "use": "sig", "alg": "EdDSA"}
    claims = token.claims
    # The JSON shown beside the token is exactly what was signed.
    assert {k: v for k, v in claims.items() if k not in ("iss", "jti", "nbf")} == body["credential"]

    # Open Badges 3.0: contexts, types and the required fields.
    assert claims["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["id"].startswith("urn:uuid:")
    assert claims["name"]
    assert claims["issuer"] == {"id": "http://aula.test/", "type": ["Profile"], "name": "Aula",
                                "url": "http://aula.test/"}
    assert claims["validFrom"] == cert.issued_at.isoformat(timespec="seconds").replace("+00:00", "Z")
    # The JWT claims mirror the credential (Open Badges 3.0, section 8.2).
    assert (claims["iss"], claims["jti"], claims["nbf"]) == (
        claims["issuer"]["id"], claims["id"], int(cert.issued_at.timestamp()))
    subject = claims["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    email, holder = subject["identifier"]
    assert email["identityType"] == "emailAddress" and email["hashed"] is True
    assert email["identityHash"] == "sha256$" + hashlib.sha256(
        ("zoe@example.org" + email["salt"]).encode()).hexdigest()
    assert holder == {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "Zoë Ñúñez"}
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["id"] == "http://aula.test/xapi/courses/customer-service"
    assert achievement["name"] == name          # in the learner's language
    assert achievement["inLanguage"] == lang
    assert achievement["description"]
    assert achievement["criteria"]["narrative"]
    assert claims["evidence"][0]["id"] == f"http://aula.test/verify/{cert.public_id}"


def test_a_tampered_credential_is_rejected(client, finished):
    finished()
    token = _credential(client)["compactJwsString"]
    jwks = client.get("/.well-known/jwks.json").get_json()
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["identifier"][1]["identityHash"] = "Mallory"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(BadSignatureError):
        _verify(f"{header}.{forged}.{signature}", jwks)
    # Another key (say, an attacker's) does not verify a genuine one either.
    from joserfc.jwk import OKPKey
    other = OKPKey.generate_key("Ed25519").as_dict(private=False) | {"kid": jwks["keys"][0]["kid"]}
    with pytest.raises(BadSignatureError):
        _verify(token, {"keys": [other]})


def test_the_key_is_made_once_and_kept_private(app, client, finished):
    finished()
    path = app.config["CERTIFICATE_KEY_FILE"]
    first = client.get("/.well-known/jwks.json")
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    pem = Path(path).read_bytes()
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    # The same key after a restart of the app: credentials stay verifiable.
    from tests.conftest import make_app

    again = make_app(Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")),
                     CERTIFICATE_KEY_FILE=path)
    assert again.test_client().get("/.well-known/jwks.json").get_json() == first.get_json()
    assert Path(path).read_bytes() == pem
    with again.app_context():
        from course.extensions import db

        db.engine.dispose()
    keys = first.get_json()["keys"]
    assert len(keys) == 1 and set(keys[0]) == {"kty", "crv", "x", "kid", "use", "alg"}  # no private part ("d")


def test_the_raw_vc_jwt_for_wallets(client, finished):
    finished()
    response = client.get("/en/my/certificate.json", headers={"Accept": "application/vc+jwt"})
    assert response.status_code == 200
    assert response.mimetype == "application/vc+jwt"
    assert response.get_data(as_text=True) == _credential(client)["compactJwsString"]


def test_no_credential_before_completion(client, make_user, auth):
    make_user(email="new@example.org")
    auth.login("new@example.org")
    response = client.get("/en/my/certificate.json")
    assert response.status_code == 404
    assert response.get_json()["error"] == "The course is not complete yet."
