"""Accounts: creating them (the registration form and `flask users create`,
both through `accounts.create_user`, which sends `account_created`), signing
in and out, the profile, confirming the email address (`confirmation`), the
access decorators every area uses (`decorators`), and signing out an account
that has been deactivated."""
from flask import Flask, request
from flask_login import current_user, logout_user


def _end_deactivated_sessions():
    """A deactivated account is signed out on its next request."""
    if request.endpoint is None or request.endpoint.endswith("static"):
        return
    if current_user.is_authenticated and not current_user.is_active:
        logout_user()


def init_app(app: Flask) -> None:
    from . import cli, views

    app.register_blueprint(views.bp)
    cli.init_app(app)
    app.before_request(_end_deactivated_sessions)
