"""Download my data, delete my account."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..auth import throttle
from ..auth.forms import PasswordForm, ProfileForm
from . import data
from .forms import DeleteAccountForm

bp = Blueprint("privacy", __name__, url_prefix="/<lang>")


@bp.get("/my/data.json")
@login_required
def download():
    response = Response(data.personal_data_json(current_user), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="my-aula-data.json"'
    return response


@bp.post("/profile/delete")
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        limits = throttle.rules()
        account = (limits["login-account"], current_user.email)
        client = (limits["login-client"], request.remote_addr or "")
        if throttle.blocked(account, client) is not None:
            form.password.errors.append(_("Too many wrong passwords. Please try again later."))
        elif not current_user.check_password(form.password.data):
            throttle.record(account, client)
            form.password.errors.append(_("Your password is not right."))
        else:
            user = current_user._get_current_object()
            data.erase(user, source="self")
            logout_user()
            flash(_("Your account has been deleted. Thank you for learning with Aula."), "info")
            return redirect(url_for("learn.home"))
    return render_template("auth/profile.html", form=ProfileForm(obj=current_user), password_form=PasswordForm(),
                           delete_form=form), 422
