"""xAPI statements as learning happens: a transactional outbox (events.py)
filled in the same transaction as each learning event, a sender that posts
them to a Learning Record Store (sender.py; `flask xapi push`, and every
minute inside `flask reminders run`), and the admin page of the queue."""
import os

from flask import Flask
from flask_babel import lazy_gettext as _l

from ..models import Role
from ..signals import scheduler_tick
from ..web import add_menu_item
from .sender import DEFAULTS

ENVIRONMENT = ("XAPI_LRS_URL", "XAPI_LRS_KEY", "XAPI_LRS_SECRET")


def init_app(app: Flask) -> None:
    from flask_sqlalchemy.session import Session

    from . import events, views
    from .cli import xapi_cli
    from .sender import push_on_tick

    for name in ENVIRONMENT:
        app.config.setdefault(name, os.environ.get(name, ""))
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    events.listen(Session)
    app.cli.add_command(xapi_cli)
    app.register_blueprint(views.bp)
    add_menu_item(app, "xapi.queue", _l("xAPI statements"), roles=(Role.ADMIN,))
    scheduler_tick.connect(push_on_tick)
