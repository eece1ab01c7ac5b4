"""Administration: learners' progress, accounts (roles, deactivation),
feedback, quiz insight (for instructors too), completion records
(`records`: the SQL form of the completion rules; `export`: the stream
that the web download and `flask export completions` share; `formats`:
CSV, JSON Lines, xAPI) and the audit log. Every page needs the admin role
unless it says otherwise (auth.decorators.restrict_blueprint). Other areas
add pages to the admin navigation with web.add_admin_page."""
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
