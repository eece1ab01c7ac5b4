"""`flask dashboards refresh`: compute the administrators' dashboard figures
once (for cron, where no worker runs `flask reminders run`).

Messages are in the terminal's language (LC_ALL, LC_MESSAGES or LANG: it,
es, pl; else English). Exit 0 once the figures are stored; 1 when the
database cannot be read or written (the message says why)."""
import os
import time

import click
from flask.cli import AppGroup
from flask_babel import force_locale, format_datetime, format_decimal, gettext as _
from sqlalchemy.exc import SQLAlchemyError

from ..languages import DEFAULT_LANGUAGE, LANGUAGES
from ..extensions import db
from . import stored

dashboards_cli = AppGroup("dashboards", help="The administrators' dashboard figures.")


def terminal_language() -> str:
    """The language of the terminal's locale, if the app speaks it."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            lang = value.split("_")[0].split(".")[0].lower()
            return lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


@dashboards_cli.command("refresh")
def refresh_command():
    """Compute the dashboard's figures now and store them (the page then shows them)."""
    with force_locale(terminal_language()):
        started = time.monotonic()
        try:
            found = stored.refresh()
        except SQLAlchemyError as exc:
            db.session.rollback()
            raise click.ClickException(_("The figures could not be computed: %(reason)s",
                                         reason=str(getattr(exc, "orig", None) or exc).splitlines()[0])) from None
        click.echo(_("Dashboard figures as of %(when)s (UTC), computed in %(seconds)s s.",
                     when=format_datetime(found.computed_at, "medium"),
                     seconds=format_decimal(round(time.monotonic() - started, 1))))
