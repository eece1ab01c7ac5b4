"""Register, sign in, sign out, profile, password recovery, and confirming the email address."""
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from ..extensions import db, login_manager
from ..i18n import LANGUAGES
from ..models import Account, User, utcnow
from ..models.users import ACCOUNT_BY_ID
from ..signals import user_registered
from ..web import is_safe_next
from . import confirmation, later, recovery, throttle
from .accounts import (AccountError, check_new_account, check_password_strength, create_user, find_by_email,
                       normalise_email, time_zones)
from .decorators import login_required
from .forms import (ConfirmationForm, ForgotPasswordForm, LoginForm, LogoutForm, PasswordForm, ProfileForm,
                    RegisterForm, ResetPasswordForm)

bp = Blueprint("auth", __name__, url_prefix="/<lang>")

@login_manager.user_loader
def load_user(user_id: str) -> Account | None:
    """The account of a session or remember-me cookie ("id:session version"),
    refused once the account's sessions were ended (a newer version). Read as
    a plain row on the session's connection (every signed-in request does
    this); code that changes the account asks for `User.of(current_user)`."""
    ident, _sep, version = user_id.partition(":")
    if not (ident.isdigit() and version.isdigit() and len(ident) < 19):
        return None
    row = db.session.connection().execute(ACCOUNT_BY_ID, {"id": int(ident)}).first()
    if row is None or str(row.session_version) != version:
        return None
    return Account(*row)


def start_session(user: User, remember: bool = False) -> None:
    """Sign in on a renewed session: nothing from before the sign-in is kept,
    not even the CSRF token. The new token is minted here, so the cookie set
    with the sign-in is already the whole session: the pages after it do not
    each set a new one (a client that does not keep cookies, such as a load
    generator, would otherwise be given a new token and cookie on every page)."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)  # the signed form of the old one
    login_user(user, remember=remember)
    generate_csrf()


def end_every_session(account: User | Account) -> None:
    """Sign the account out on every device and server (and this request)."""
    User.of(account).end_sessions()
    db.session.commit()
    logout_user()


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
    """Create an account, answering the same "check your email" page whether
    or not the address already has one: a new account gets its confirmation
    link (which signs it in), the owner of an existing one an email saying
    someone tried. Both branches hash the password once and send their email
    after the page has gone out, so the page does not tell them apart."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.home"))
    form = RegisterForm()
    if request.method == "GET":
        form.lang.data = g.lang
        form.timezone.data = "UTC"
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            address = check_new_account(form.email.data, form.password.data, form.lang.data, form.timezone.data,
                                        name=form.name.data, check_taken=False)
        except AccountError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            owner = find_by_email(address)
            if owner is None:
                try:
                    user = create_user(address, form.password.data, name=form.name.data, lang=form.lang.data,
                                       timezone=form.timezone.data)
                except AccountError:  # registered at the same moment by another request
                    owner = find_by_email(address)
            else:
                User.hash_dummy(form.password.data)
            if owner is not None and email_allowed(address):
                later.after_response(_tell_owner, owner.id)
            elif owner is None and email_allowed(address):
                later.after_response(_welcome, user.id)
            return render_template("auth/register_sent.html", email=address)
    return render_template("auth/register.html", form=form), 200 if not form.errors else 422


def _welcome(user_id: int) -> None:
    """After a registration (the page has gone out): the confirmation link,
    which also signs the new account in; then areas greet it (user_registered)."""
    user = db.session.get(User, user_id)
    if user is None:
        return
    if user.email_confirmed_at is None:
        confirmation.send_confirmation(user)
    user_registered.send(user)


def _tell_owner(user_id: int) -> None:
    user = db.session.get(User, user_id)
    if user is not None and user.deleted_at is None:
        recovery.send_registration_attempt(user)


def _login_key(email: str) -> str:
    """The account a sign-in is for: its normalised address (also for addresses without an account)."""
    try:
        return normalise_email(email)
    except AccountError:
        return email.strip().lower()


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return _after_login(request.args.get("next"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        limits = throttle.rules()
        account, client = (limits["login-account"], _login_key(form.email.data)), \
            (limits["login-client"], request.remote_addr or "")
        wait = throttle.blocked(account, client)
        if wait is not None:
            return _too_many_attempts(form, wait)
        user = find_by_email(form.email.data)
        if user is None or user.deleted_at is not None:
            User.verify_dummy(form.password.data)  # the same time as a wrong password
            right = False
        else:
            right = user.check_password(form.password.data)
        if not right:
            throttle.record(account, client)
            form.password.errors.append(_("The email address or the password is not right."))
        elif not user.is_active:
            form.email.errors.append(_("This account has been deactivated. Please contact an administrator."))
        else:
            throttle.forget(*account)
            start_session(user, remember=form.remember.data)
            return _after_login(form.next.data)
    if form.errors:
        status = 422
    return render_template("auth/login.html", form=form), status


def _too_many_attempts(form, wait: int):
    minutes = max(1, -(-wait // 60))
    blocked = ngettext("Too many failed sign-ins. Please wait %(num)s minute before you try again.",
                       "Too many failed sign-ins. Please wait %(num)s minutes before you try again.", minutes)
    response = current_app.make_response((render_template("auth/login.html", form=form, blocked=blocked), 429))
    response.headers["Retry-After"] = str(wait)
    return response


@bp.post("/logout")
def logout():
    form = LogoutForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        end_every_session(current_user)
        flash(_("You have signed out."), "info")
    return redirect(url_for("learn.home"))


@bp.post("/profile/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    if LogoutForm().validate_on_submit():
        end_every_session(current_user)
        flash(_("You have signed out on every device. Sign in again to continue here."), "info")
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
            user = User.of(current_user)
            user.name = form.name.data.strip()
            user.lang = form.lang.data
            user.timezone = form.timezone.data
            db.session.commit()
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("auth.profile", lang=current_user.lang))
    elif request.method == "POST" and "change_password" in request.form and password_form.validate_on_submit():
        if not current_user.check_password(password_form.current_password.data):
            password_form.current_password.errors.append(_("Your current password is not right."))
        else:
            try:
                check_password_strength(password_form.new_password.data, user=current_user)
            except AccountError as exc:
                password_form.new_password.errors.append(exc.message)
            else:
                user = User.of(current_user)
                user.set_password(password_form.new_password.data)
                user.end_sessions()
                db.session.commit()
                start_session(user)  # this device stays signed in, no other does
                flash(_("Your password has been changed. Every other device has been signed out."), "success")
                return redirect(url_for("auth.profile"))
    status = 422 if (form.errors or password_form.errors) else 200
    return render_template("auth/profile.html", form=form, password_form=password_form), status



# -- password recovery -------------------------------------------------------

def email_allowed(address: str) -> bool:
    """Count one email asked for to `address` (reset link, confirmation); False
    once the address or this client has asked for too many today."""
    limits = throttle.rules()
    checks = ((limits["email-address"], address), (limits["email-client"], request.remote_addr or ""))
    if throttle.blocked(*checks) is not None:
        return False
    throttle.record(*checks)
    return True


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.email.data = current_user.email
    if form.validate_on_submit():
        try:
            address = normalise_email(form.email.data)
        except AccountError as exc:
            form.email.errors.append(exc.message)
        else:
            # The same answer, in the same time, whether or not the address has an account:
            # the email goes out after the page.
            if email_allowed(address):
                user = find_by_email(address)
                if user is not None and user.active and user.deleted_at is None:
                    later.after_response(_send_reset_link, user.id)
            return render_template("auth/forgot_sent.html", email=address)
    return render_template("auth/forgot.html", form=form), 422 if form.errors else 200


def _send_reset_link(user_id: int) -> None:
    user = db.session.get(User, user_id)
    if user is not None:
        recovery.send_reset_link(user)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        user = recovery.user_for_reset(token)
    except recovery.LinkExpired:
        return _reset_link_problem(_("This link has expired"),
                                   _("Links to set a new password work for one hour. Ask for a new one below."))
    except recovery.LinkUsed:
        return _reset_link_problem(_("This link has already been used"),
                                   _("Each link to set a new password works only once. Ask for a new one below."))
    except recovery.LinkInvalid:
        return _reset_link_problem(_("This link is not valid"),
                                   _("Please check that you opened the whole link from the email, or ask for a "
                                     "new one below."), status=404)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            check_password_strength(form.password.data, user=user)
        except AccountError as exc:
            form.password.errors.append(exc.message)
        else:
            user.set_password(form.password.data)
            user.end_sessions()  # every other session ends; this link is used up
            if user.email_confirmed_at is None:
                user.email_confirmed_at = utcnow()  # the link proved the address
            db.session.commit()
            throttle.forget(throttle.rules()["login-account"], user.email)
            start_session(user)
            flash(_("Your new password is set, and you are signed in. Every other device has been signed out."),
                  "success")
            return redirect(url_for("learn.home", lang=user.lang))
    return render_template("auth/reset.html", form=form, user=user), 422 if form.errors else 200


def _reset_link_problem(title, message, status=410):
    form = ForgotPasswordForm(formdata=None)
    return render_template("auth/reset_problem.html", title=title, message=message, form=form), status

# -- confirming the email address ------------------------------------------

@bp.post("/confirm/send")
@login_required
def resend_confirmation():
    """Email a new confirmation link; back to `next` or the profile. Limited in the
    database: a minute's pause per address, and the daily limits of every email asked for."""
    form = ConfirmationForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.email_confirmed_at is not None:
        flash(_("Your email address is already confirmed."), "info")
    elif throttle.blocked(pause := (throttle.rules()["email-pause"], current_user.email)) is not None:
        flash(_("We sent you a link less than a minute ago. Please check your inbox (and your spam folder) "
                "before asking again."), "info")
    elif not email_allowed(current_user.email):
        flash(_("You have asked for several links today. Please check your inbox (and your spam folder), or ask "
                "again tomorrow."), "info")
    elif confirmation.send_confirmation(current_user):
        throttle.record(pause)
        flash(_("We have sent a new link to %(email)s.", email=current_user.email), "success")
    else:
        flash(_("We could not send the email just now. Please try again in a few minutes."), "error")
    if is_safe_next(form.next.data):
        return redirect(form.next.data)
    return redirect(url_for("auth.profile"))


@bp.get("/reminders/confirm/<token>")  # where links emailed before confirmation moved to auth point
@bp.get("/confirm/<token>")  # registered first: url_for builds this one
def confirm_email(token: str):
    try:
        user_id, email = confirmation.read_confirm_token(token)
    except confirmation.TokenExpired:
        return _message(_("This link has expired"),
                        _("Confirmation links work for seven days. Sign in and ask for a new one on your "
                          "profile page."), status=410, profile=True)
    except confirmation.TokenInvalid:
        user_id, email = None, None
    user = db.session.get(User, user_id) if user_id else None
    if user is None or user.email != email:
        return _message(_("This link is not valid"),
                        _("Please check that you opened the whole link from the email, or ask for a new one on "
                          "your profile page."), status=404, profile=True)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        db.session.commit()
        if not current_user.is_authenticated and user.active and user.deleted_at is None:
            # The first click finishes a registration: the link proved the address, so it signs in (once).
            start_session(user)
            flash(_("Welcome, %(name)s! Your email address is confirmed and your account is ready.",
                    name=user.name), "success")
            return redirect(url_for("learn.home", lang=user.lang))
    return _message(_("Your email address is confirmed"),
                    _("Thank you. We will send your study reminders to %(email)s.", email=user.email))


def _message(title, message, status=200, profile=False):
    return render_template("auth/message.html", title=title, message=message, profile=profile), status
