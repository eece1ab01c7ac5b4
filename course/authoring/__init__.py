"""Authoring in the browser, for instructors and administrators: the state
of the loaded course (drafts, translations), the full check of the content
folder, and the "Reload content" button."""
from flask import Flask
from flask_babel import lazy_gettext as _l

from ..models import STAFF_ROLES
from ..web import add_menu_item


def init_app(app: Flask) -> None:
    from .views import bp

    app.register_blueprint(bp)
    add_menu_item(app, "authoring.index", _l("Course content"), roles=STAFF_ROLES)
