"""The certificate as an Open Badges 3.0 `OpenBadgeCredential`: a W3C
Verifiable Credential (data model 2.0), secured as a VC-JWT (Open Badges
3.0, section 8.2: the JWT's claims are the credential itself, with `iss`,
`jti` and `nbf` mirroring `issuer.id`, `id` and `validFrom`), signed with
the instance's Ed25519 key by joserfc.

The algorithm is named "EdDSA", as Open Badges 3.0 verifiers know it (RFC
9864 later added the fully specified name "Ed25519"; joserfc warns about
the older name, which is why the warning is silenced around the calls).
"""
import hashlib
import uuid
import warnings
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from ..models import Certificate, User
from .keys import key_id, public_jwk, signing_key

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
ALGORITHM = "EdDSA"
MEDIA_TYPE = "application/vc+jwt"
#: Fixed forever: a credential's id is uuid5(NAMESPACE, certificate id).
NAMESPACE = uuid.UUID("0d6c1f9e-6f7b-5c3a-9a51-3e2b8f4d7c21")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _hashed(value: str, salt: str) -> str:
    """Open Badges' identity hash: sha256$ hex(sha256(value + salt))."""
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def issuer_profile() -> dict:
    base = current_app.config["BASE_URL"]
    return {"id": f"{base}/", "type": ["Profile"], "name": "Aula", "url": f"{base}/"}


def open_badge(certificate: Certificate, user: User, view, lang: str) -> dict:
    """The credential in `lang` (call where gettext speaks `lang`)."""
    base = current_app.config["BASE_URL"]
    course = view.course
    salt = certificate.public_id
    return {
        "@context": CONTEXTS,
        "id": f"urn:uuid:{uuid.uuid5(NAMESPACE, certificate.public_id)}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": _("%(course)s: certificate of completion", course=course.title),
        "issuer": issuer_profile(),
        "validFrom": _iso(certificate.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityType": "emailAddress", "hashed": True,
                 "identityHash": _hashed(user.email.lower(), salt), "salt": salt},
                {"type": "IdentityObject", "identityType": "name", "hashed": False,
                 "identityHash": certificate.name},
            ],
            "activityEndDate": _iso(certificate.completed_at),
            "achievement": {
                "id": f"{base}/xapi/courses/{course.id}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": course.title,
                "description": course.summary,
                "criteria": {
                    "id": f"{base}/{lang}/",
                    "narrative": _("Complete every lesson of every module of the course and pass each "
                                   "module's final quiz."),
                },
                "inLanguage": lang,
                "creator": issuer_profile(),
            },
        },
        "evidence": [{
            "id": f"{base}/verify/{certificate.public_id}",
            "type": ["Evidence"],
            "name": _("Certificate check"),
        }],
    }


def sign(credential: dict) -> str:
    """The credential as a compact VC-JWT."""
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": key_id(), "jwk": public_jwk()}
    claims = {**credential, "iss": credential["issuer"]["id"], "jti": credential["id"],
              "nbf": int(datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00")).timestamp())}
    from joserfc import jwt  # here: joserfc and its crypto back end are a sixth of every process start

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="EdDSA is deprecated")
        return jwt.encode(header, claims, signing_key(), algorithms=[ALGORITHM])
