"""Aula: a multilingual e-learning course engine."""
from pathlib import Path

from flask import Flask

from . import config as cfg
from . import badinput, database, logs, migrations_cli  # noqa: F401  (database: SQLite connection tuning)
from .extensions import babel, csrf, db, login_manager
from .i18n import select_locale


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app. `test_config` overrides settings read from the environment."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(cfg.DEFAULTS)
    overrides = dict(test_config or {})
    app.config.update(cfg.from_environment(app.instance_path, overrides))
    app.config.update(overrides)
    app.config.update(cfg.derived(app.config))

    badinput.init_app(app)  # before any route is added: <int:...> is bounded
    logs.init_app(app)  # no secret token in request logs
    db.init_app(app)
    migrations_cli.init_app(app)  # `flask db`: Flask-Migrate and Alembic load when it runs
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=";".join(_translation_directories()),
    )

    from . import (activities, admin, assets, auth, authoring, certificates, content_runtime, dashboards, data, errors,
                   i18n_cli, learn, page_meta, pagecache, privacy, reminders, sessions, web, xapi)

    sessions.init_app(app)
    content_runtime.init_app(app)
    pagecache.init_app(app)
    web.init_app(app)
    page_meta.init_app(app)
    errors.init_app(app)
    i18n_cli.init_app(app)
    # Every area registers its blueprints, commands, signal receivers and menu items
    # through its init_app (`flask course` alone is a CLI plugin: see content_cli.py):
    # the core areas, then the feature areas.
    for area in (learn, auth):
        area.init_app(app)
    for area in (activities, reminders, admin, authoring, certificates, data, privacy, xapi, dashboards):
        area.init_app(app)
    assets.init_app(app)  # last: it serves every area's static files under fingerprinted names
    return app


def _translation_directories() -> list[str]:
    """The core catalogue and each area's own, merged by Flask-Babel."""
    here = Path(__file__).resolve().parent
    dirs = ["translations"]
    dirs += sorted(str(p.relative_to(here)) for p in here.glob("*/translations") if p.is_dir())
    return dirs

