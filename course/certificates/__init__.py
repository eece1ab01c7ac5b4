"""Certificates: issued once when a learner completes the course, shown on
`/<lang>/my/certificate`, verifiable by anyone at `/verify/<id>`
(and `/verify/<id>.json`), downloadable as a PDF and as an Open Badges 3.0
credential signed with the instance's key (published at
`/.well-known/jwks.json`), announced by one email in the learner's language.

Registered by create_app() through `init_app`; listens to
`signals.course_completed`, so `learn` does not know certificates exist.
"""
import os

from flask import Flask
from flask_babel import lazy_gettext as _l

from ..models import Role
from ..signals import course_completed
from ..web import add_menu_item


def init_app(app: Flask) -> None:
    from . import admin, views
    from ..admin import audit

    # The Open Badges signing key: made once, kept beside the secret key (keys.py).
    app.config.setdefault("CERTIFICATE_KEY_FILE", os.path.join(app.instance_path, "certificate-signing-key.pem"))
    app.register_blueprint(views.bp)
    app.register_blueprint(views.public_bp)
    app.register_blueprint(admin.bp)
    for action, label in admin.AUDIT_ACTIONS.items():
        audit.ACTIONS.setdefault(action, label)
    app.jinja_env.globals.update(admin_certificate=admin.admin_certificate,
                                 certificate_holders_for=admin.holders_of)
    add_menu_item(app, "certificates.mine", _l("My certificate"), roles=(Role.LEARNER,))
    course_completed.connect(views.on_course_completed)
