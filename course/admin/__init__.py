"""Administration: learners' progress, accounts, feedback, quiz insight,
completion-record exports (web and `flask export completions`) and the
audit log."""
from flask import Flask
from flask_babel import lazy_gettext as _l

from ..models import Role
from ..web import add_menu_item


def init_app(app: Flask) -> None:
    from . import cli
    from .views import bp

    app.register_blueprint(bp)
    cli.init_app(app)
    add_menu_item(app, "admin.index", _l("Administration"), roles=(Role.ADMIN,))
    add_menu_item(app, "admin.quiz_insight", _l("Quiz insight"), roles=(Role.INSTRUCTOR,))
