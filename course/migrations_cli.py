"""`flask db`: Flask-Migrate's commands over `migrations/`, loaded when used.

Flask-Migrate imports Alembic when it is imported: 0.2-0.4 s of CPU that
every process start paid (each gunicorn worker, each `flask` command, the
scheduler) though only `flask db` and the migration tests use it. So the app
registers a stand-in `db` group that loads Flask-Migrate, binds it to the
app (`init_migrations`) and hands over to Flask-Migrate's own group when a
`db` command is asked for: the same options, commands, help and exit codes.
"""
from pathlib import Path

import click
from flask import Flask
from flask.cli import ScriptInfo

#: The Alembic migrations: the only source of the database's schema.
DIRECTORY = str(Path(__file__).resolve().parent.parent / "migrations")


def init_migrations(app: Flask) -> None:
    """Bind Flask-Migrate to the app (what its commands and migrations/env.py
    read from `app.extensions["migrate"]`), once."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    from .extensions import db

    Migrate(app, db, directory=DIRECTORY, render_as_batch=True, compare_type=True)


class _MigrationsGroup(click.Group):
    """Stands for Flask-Migrate's `db` group until it is used."""

    def make_context(self, info_name, args, parent=None, **extra):
        from flask_migrate.cli import db as migrations_group

        if parent is not None:
            init_migrations(parent.ensure_object(ScriptInfo).load_app())
        return migrations_group.make_context(info_name, args, parent=parent, **extra)


def init_app(app: Flask) -> None:
    app.cli.add_command(_MigrationsGroup("db", short_help="Perform database migrations."))
