"""Dashboards: the learner's "My progress" and the administrators' overview,
as server-rendered SVG charts with a caption and a table each; the study
days they are drawn from (activity.py); and the administrators' figures as
last computed by the worker (stored.py; `flask dashboards refresh`)."""
import os

from flask import Flask
from flask_babel import lazy_gettext as _l

from ..models import Role
from ..signals import scheduler_tick
from ..web import add_menu_item
from .stored import DEFAULT_REFRESH_MINUTES

SETTING = "DASHBOARD_REFRESH_MINUTES"


def refresh_minutes_setting(app: Flask) -> int:
    """DASHBOARD_REFRESH_MINUTES (the app's config, else the environment, else
    10): a whole number of minutes, at least 1; anything else stops the app
    with a message saying so."""
    raw = app.config.get(SETTING, os.environ.get(SETTING) or DEFAULT_REFRESH_MINUTES)
    try:
        minutes = int(str(raw).strip())
    except ValueError:
        minutes = 0
    if minutes < 1:
        raise ValueError(f"{SETTING} must be a whole number of minutes, 1 or more (it is {raw!r})")
    return minutes


def init_app(app: Flask) -> None:
    from flask_sqlalchemy.session import Session

    from . import activity, views
    from .cli import dashboards_cli
    from .stored import refresh_on_tick

    app.config[SETTING] = refresh_minutes_setting(app)
    activity.listen(Session)
    app.register_blueprint(views.bp)
    app.cli.add_command(dashboards_cli)
    add_menu_item(app, "dashboards.my_progress", _l("My progress"), roles=(Role.LEARNER,))
    add_menu_item(app, "dashboards.admin_dashboard", _l("Dashboard"), roles=(Role.ADMIN,))
    scheduler_tick.connect(refresh_on_tick)
