"""Dashboards: the learner's "My progress" and the administrators' overview,
as server-rendered SVG charts with a caption and a table each; and the study
days they are drawn from (activity.py)."""
from flask import Flask
from flask_babel import lazy_gettext as _l

from ..models import Role
from ..web import add_menu_item


def init_app(app: Flask) -> None:
    from flask_sqlalchemy.session import Session

    from . import activity, views

    activity.listen(Session)
    app.register_blueprint(views.bp)
    add_menu_item(app, "dashboards.my_progress", _l("My progress"), roles=(Role.LEARNER,))
    add_menu_item(app, "dashboards.admin_dashboard", _l("Dashboard"), roles=(Role.ADMIN,))
