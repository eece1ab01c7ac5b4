"""The learner's own data: download everything Aula keeps about them
(`/<lang>/my/data.json`, `flask users export`) and delete the account
(`/<lang>/profile/delete`, `flask users delete`).

Registered by create_app() through `init_app`. `data` knows every table that
holds something about a person: a new table with a `user_id` must be added
there (tests/test_privacy.py fails until it is).
"""
from flask import Flask


def init_app(app: Flask) -> None:
    from ..admin import audit
    from . import cli, views

    app.register_blueprint(views.bp)
    cli.init_app(app)
    for action, label in views.AUDIT_ACTIONS.items():
        audit.ACTIONS.setdefault(action, label)
