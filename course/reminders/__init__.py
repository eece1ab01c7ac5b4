"""Study reminders: the learner's weekly schedule (a default week for every
new account, through the account_created signal), one-click unsubscribe, a
calendar feed, the administrators' deliveries page, and the scheduler that
sends each reminder exactly once (`flask reminders tick|run`). Reminders go
only to an address confirmed through auth."""
import os

from flask import Flask
from flask_babel import lazy_gettext as _l

from ..models import Role
from ..signals import account_created
from ..web import add_admin_page, add_menu_item
from .scheduler import DEFAULTS


def init_app(app: Flask) -> None:
    from . import views, weekdays
    from .cli import reminders_cli

    for name, value in DEFAULTS.items():  # each can be set in the environment (whole numbers)
        app.config.setdefault(name, int(os.environ[name]) if os.environ.get(name) else value)
    app.register_blueprint(views.bp)
    app.register_blueprint(views.admin_bp)
    app.cli.add_command(reminders_cli)
    add_menu_item(app, "reminders.settings", _l("Reminders"), roles=(Role.LEARNER,))
    add_menu_item(app, "reminders_admin.deliveries", _l("Reminder deliveries"), roles=(Role.ADMIN,))
    add_admin_page(app, "reminders_admin.deliveries", _l("Reminder deliveries"))
    account_created.connect(weekdays.create_default_schedule)
