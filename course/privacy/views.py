"""Download my data; delete my account (a page that asks for the password again)."""
from datetime import date

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from flask_login import current_user, logout_user

from ..admin import audit
from ..auth import throttle
from ..auth.decorators import login_required
from ..extensions import db
from ..models import User
from . import data
from .forms import DeleteAccountForm

bp = Blueprint("privacy", __name__, url_prefix="/<lang>", template_folder="templates")

#: What the audit page calls this area's entries.
AUDIT_ACTIONS = {
    "account_deleted": _l("Account deleted"),
    "personal_data_export": _l("Personal data exported"),
}


@bp.get("/my/data.json")
@login_required
def download():
    response = Response(data.personal_data_json(current_user), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="aula-my-data-{date.today().isoformat()}.json"'
    return response


@bp.route("/profile/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    refused = data.deletion_refused(current_user)
    if refused is None and form.validate_on_submit():
        limits = throttle.rules()
        account = (limits["login-account"], current_user.email)
        client = (limits["login-client"], request.remote_addr or "")
        wait = throttle.blocked(account, client)
        if wait is not None:
            return _too_many_attempts(form, wait)
        if not current_user.check_password(form.password.data):
            throttle.record(account, client)
            form.password.errors.append(_("This is not your password."))
        else:
            uid = current_user.id
            data.erase(User.of(current_user))
            audit.record(None, "account_deleted", user_id=uid, source="self")  # commits it all at once
            logout_user()
            flash(_("Your account has been deleted, and everything you wrote with it. Thank you for learning "
                    "with Aula."), "success")
            return redirect(url_for("learn.home"))
    status = 422 if form.errors else 200
    return render_template("privacy/delete.html", form=form, refused=refused), status


def _too_many_attempts(form, wait: int):
    minutes = max(1, -(-wait // 60))
    blocked = ngettext("Too many wrong passwords. Please wait %(num)s minute before you try again.",
                       "Too many wrong passwords. Please wait %(num)s minutes before you try again.", minutes)
    response = current_app.make_response(
        (render_template("privacy/delete.html", form=form, refused=None, blocked=blocked), 429))
    response.headers["Retry-After"] = str(wait)
    return response
