"""The learner's certificate page, and the public verification pages.

`/verify/<id>` (no language in the address: what the QR code and the PDF
print) answers in the visitor's language; `/<lang>/verify/<id>` in the
language of the address; `/verify/<id>.json` for machines.
"""
from flask import Blueprint, Response, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import login_required
from ..content import get_content
from ..extensions import db
from ..i18n import LANGUAGES, preferred_language
from ..learn.progress import course_status
from ..models import User
from . import credential, issuing, keys
from .emails import send_completion_email
from .summary import certificate_view, linkedin_url, qr_svg, still_to_do, verification_url

bp = Blueprint("certificates", __name__, url_prefix="/<lang>", template_folder="templates",
               static_folder="static", static_url_path="/certificates/static")
#: The verification addresses without a language (registered on the app by init_app).
public_bp = Blueprint("certificates_public", __name__)

ORGANISATION = "Aula"


def issue_and_notify(user: User):
    """The learner's certificate, issued (and the email sent, once) if due."""
    certificate, created = issuing.issue(user)
    if certificate is not None and (created or certificate.email_sent_at is None):
        send_completion_email(user, certificate, get_content().course(user.lang).course.title)
    return certificate


def on_course_completed(user: User, **_extra) -> None:
    """course_completed receiver: issue the certificate at the moment of completion."""
    issue_and_notify(user)


@bp.get("/my/certificate")
@login_required
def mine():
    user = current_user._get_current_object()
    view = get_content().course(g.lang)
    certificate = issue_and_notify(user)
    if certificate is None:
        status = course_status(view, user)
        return render_template("certificates/todo.html", view=view, status=status,
                               todo=still_to_do(view, status))
    cv = certificate_view(certificate, view, user)
    return render_template("certificates/mine.html", view=view, cv=cv,
                           qr=qr_svg(cv.verify_url, _("QR code of the verification address")),
                           linkedin=linkedin_url(cv, ORGANISATION))


@bp.get("/my/certificate.pdf")
@login_required
def pdf():
    user = current_user._get_current_object()
    certificate = issue_and_notify(user)
    if certificate is None:  # nothing to download yet: the page says what is left
        return redirect(url_for("certificates.mine"))
    cv = certificate_view(certificate, get_content().course(g.lang), user)
    from .pdf import certificate_pdf  # here: fpdf and its fonts are a third of every process start

    body = certificate_pdf(cv, g.lang)
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="aula-certificate-{certificate.public_id}-{g.lang}.pdf"',
        "Cache-Control": "private, no-cache",
    })


@bp.get("/my/certificate.json")
@login_required
def open_badge():
    """The Open Badges 3.0 credential: the JSON as signed, and the VC-JWT
    (`compactJwsString`, Open Badges 3.0's name for it) that wallets import;
    the VC-JWT alone with `Accept: application/vc+jwt`."""
    user = current_user._get_current_object()
    certificate = issue_and_notify(user)
    if certificate is None:
        response = jsonify(error="The course is not complete yet.")
        response.status_code = 404
        return response
    body = credential.open_badge(certificate, user, get_content().course(g.lang), g.lang)
    token = credential.sign(body)
    headers = {"Cache-Control": "private, no-cache", "Vary": "Accept"}
    if request.accept_mimetypes.best_match(["application/json", credential.MEDIA_TYPE]) == credential.MEDIA_TYPE:
        return Response(token, mimetype=credential.MEDIA_TYPE, headers=headers)
    response = jsonify({"credential": body, "compactJwsString": token,
                        "verificationKeys": f"{current_app.config['BASE_URL']}/.well-known/jwks.json"})
    response.headers.update(headers)
    return response


@bp.get("/verify")
def verify_form():
    """Type or paste a certificate id: the page it names, or this form again with a hint."""
    raw = request.args.get("id", "")
    if raw.strip():
        public_id = issuing.normalise_id(raw)
        if public_id is not None:
            return redirect(url_for("certificates.verify", public_id=public_id))
    return render_template("certificates/verify_form.html", typed=raw, invalid=bool(raw.strip())), \
        422 if raw.strip() else 200


@bp.get("/verify/<public_id>")
def verify(public_id: str):
    certificate = issuing.by_public_id(public_id)
    if certificate is None:
        return render_template("certificates/unknown.html", typed=public_id), 404
    user = db.session.get(User, certificate.user_id)
    view = get_content().course(g.lang)
    cv = certificate_view(certificate, view, user)
    return render_template("certificates/verify.html", view=view, cv=cv)


@public_bp.get("/verify/<public_id>")
def verify_here(public_id: str):
    """The QR code's address: the page in the visitor's language, at this same address."""
    g.lang = preferred_language()
    g.language_twin = ("certificates.verify", {"public_id": public_id})
    return verify(public_id)


@public_bp.get("/.well-known/jwks.json")
def jwks():
    """The public key that signs the credentials (a JWK set), for verifiers anywhere."""
    response = jsonify(keys.jwk_set())
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@public_bp.get("/verify/<public_id>.json")
def verify_json(public_id: str):
    certificate = issuing.by_public_id(public_id)
    if certificate is None:
        response = jsonify(status="unknown", id=public_id, message="No certificate has this id.")
        response.status_code = 404
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response
    content = get_content()
    user = db.session.get(User, certificate.user_id)
    cv = certificate_view(certificate, content.course(certificate.lang), user)
    response = jsonify({
        "id": certificate.public_id,
        "status": "revoked" if certificate.revoked else "valid",
        "name": certificate.name,
        "course": {"id": certificate.course_id,
                   "title": {lang: content.course(lang).course.title for lang in LANGUAGES}},
        "completed_on": cv.completed_on.isoformat(),
        "issued_at": _iso(certificate.issued_at),
        "revoked_at": _iso(certificate.revoked_at),
        "verification_url": verification_url(certificate),
    })
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _iso(moment):
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z") if moment else None
