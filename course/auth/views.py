"""Register, sign in, sign out, profile."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, login_manager
from ..i18n import LANGUAGES
from ..models import User
from ..signals import user_registered
from ..web import is_safe_next
from .accounts import AccountError, check_password_strength, create_user, find_by_email, time_zones
from .forms import LoginForm, LogoutForm, PasswordForm, ProfileForm, RegisterForm

bp = Blueprint("auth", __name__, url_prefix="/<lang>")


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@login_manager.unauthorized_handler
def unauthorized():
    flash(_("Please sign in to continue."), "info")
    lang = g.get("lang") or "en"
    return redirect(url_for("auth.login", lang=lang, next=request.full_path if request.method == "GET" else None))


def _after_login(target: str | None):
    if is_safe_next(target):
        return redirect(target)
    return redirect(url_for("learn.home", lang=current_user.lang))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("learn.home"))
    form = RegisterForm()
    if request.method == "GET":
        form.lang.data = g.lang
        form.timezone.data = "UTC"
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            user = create_user(form.email.data, form.password.data, name=form.name.data,
                               lang=form.lang.data, timezone=form.timezone.data)
        except AccountError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            login_user(user)
            user_registered.send(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
            if is_safe_next(form.next.data):
                return redirect(form.next.data)
            return redirect(url_for("learn.home", lang=user.lang))
    return render_template("auth/register.html", form=form), 200 if not form.errors else 422


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return _after_login(request.args.get("next"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = find_by_email(form.email.data)
        if user is None or not user.check_password(form.password.data):
            form.password.errors.append(_("The email address or the password is not right."))
        elif not user.is_active:
            form.email.errors.append(_("This account has been deactivated. Please contact an administrator."))
        else:
            login_user(user, remember=form.remember.data)
            return _after_login(form.next.data)
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@bp.post("/logout")
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        logout_user()
        flash(_("You have signed out."), "info")
    return redirect(url_for("learn.home"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user if request.method == "GET" else None)
    password_form = PasswordForm()
    if request.method == "POST" and "save_profile" in request.form and form.validate_on_submit():
        if form.lang.data not in LANGUAGES:
            form.lang.errors.append(_("Choose one of the course languages."))
        elif form.timezone.data not in time_zones():
            form.timezone.errors.append(_("Choose a time zone from the list."))
        else:
            current_user.name = form.name.data.strip()
            current_user.lang = form.lang.data
            current_user.timezone = form.timezone.data
            db.session.commit()
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("auth.profile", lang=current_user.lang))
    elif request.method == "POST" and "change_password" in request.form and password_form.validate_on_submit():
        if not current_user.check_password(password_form.current_password.data):
            password_form.current_password.errors.append(_("Your current password is not right."))
        else:
            try:
                check_password_strength(password_form.new_password.data)
            except AccountError as exc:
                password_form.new_password.errors.append(exc.message)
            else:
                current_user.set_password(password_form.new_password.data)
                db.session.commit()
                flash(_("Your password has been changed."), "success")
                return redirect(url_for("auth.profile"))
    status = 422 if (form.errors or password_form.errors) else 200
    return render_template("auth/profile.html", form=form, password_form=password_form), status

