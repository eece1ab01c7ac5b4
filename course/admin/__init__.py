"""Administration: learners' progress, accounts, feedback, quiz insight,
completion-record exports (web and `flask export completions`) and the
audit log."""
from flask import Flask, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from ..models import Role
from ..web import add_menu_item


def _end_deactivated_sessions():
    """A deactivated account is signed out on its next request."""
    if request.endpoint is None or request.endpoint.endswith("static"):
        return
    if current_user.is_authenticated and not current_user.is_active:
        logout_user()


def init_app(app: Flask) -> None:
    from . import cli
    from .views import bp

    app.register_blueprint(bp)
    cli.init_app(app)
    app.before_request(_end_deactivated_sessions)
    add_menu_item(app, "admin.index", _l("Administration"), roles=(Role.ADMIN,))
    add_menu_item(app, "admin.quiz_insight", _l("Quiz insight"), roles=(Role.INSTRUCTOR,))
