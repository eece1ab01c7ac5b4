"""Administrators revoke and reinstate certificates from the learner's admin
page, always with a reason, each change written to the audit log."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import HiddenField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from ..admin import audit
from ..extensions import db, login_manager
from ..forms import Form
from ..models import Certificate, User, utcnow
from .issuing import certificate_of, grouped
from .summary import verification_url

bp = Blueprint("certificates_admin", __name__, url_prefix="/<lang>/admin")

#: The audit log's names for this area's actions.
AUDIT_ACTIONS = {
    "certificate_revoke": _l("Certificate revoked"),
    "certificate_reinstate": _l("Certificate reinstated"),
}
REASON_MAX = 500


class CertificateStatusForm(Form):
    action = HiddenField(validators=[AnyOf(["revoke", "reinstate"])])
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(message=_l("Give the reason: it goes into the audit log.")),
        Length(max=REASON_MAX, message=_l("Use at most %(max)d characters.", max=REASON_MAX)),
    ])


@bp.before_request
def _admins_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)
    return None


def holders_of(users) -> dict[int, Certificate]:
    """user id -> certificate, for a page of learners (one query)."""
    ids = [user.id for user in users]
    if not ids:
        return {}
    return {c.user_id: c for c in db.session.scalars(select(Certificate).where(Certificate.user_id.in_(ids)))}


def admin_certificate(user_id: int) -> dict | None:
    """What the learner's admin page shows of their certificate (None: they have none)."""
    certificate = certificate_of(user_id)
    if certificate is None:
        return None
    return {"certificate": certificate, "display_id": grouped(certificate.public_id),
            "url": verification_url(certificate), "form": CertificateStatusForm(formdata=None)}


@bp.post("/learners/<int:user_id>/certificate")
def status(user_id: int):
    user = db.session.get(User, user_id)
    certificate = certificate_of(user_id) if user is not None else None
    if certificate is None:
        abort(404)
    form = CertificateStatusForm()
    if not form.validate_on_submit():
        return render_template("certificates/admin_status.html", user=user, certificate=certificate,
                               display_id=grouped(certificate.public_id), form=form,
                               has_endpoint=lambda endpoint: endpoint in current_app.view_functions), 422
    reason = form.reason.data.strip()
    revoke = form.action.data == "revoke"
    if revoke == certificate.revoked:
        flash(_("Nothing changed: the certificate was already revoked.") if revoke else
              _("Nothing changed: the certificate was already valid."), "info")
        return redirect(url_for("admin.learner", user_id=user.id))
    certificate.revoked_at, certificate.revoked_reason = (utcnow(), reason) if revoke else (None, None)
    db.session.commit()
    audit.record(current_user, "certificate_revoke" if revoke else "certificate_reinstate",
                 certificate=certificate.public_id, learner_id=user.id, learner_email=user.email, reason=reason)
    if revoke:
        flash(_("The certificate of %(name)s is revoked: its verification page now says so.", name=user.name),
              "success")
    else:
        flash(_("The certificate of %(name)s is valid again.", name=user.name), "success")
    return redirect(url_for("admin.learner", user_id=user.id))
