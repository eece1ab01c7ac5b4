"""`flask xapi push`: send the waiting statements once (for cron)."""
import click
from flask.cli import AppGroup

from ..reminders.cli import _parse_now
from .sender import push

xapi_cli = AppGroup("xapi", help="Send xAPI statements to the Learning Record Store.")


@xapi_cli.command("push")
@click.option("--now", "now", metavar="ISO-8601",
              help="Act as if it were this moment (default: now; without an offset, UTC).")
def push_command(now):
    """Send the waiting xAPI statements once, then return."""
    from flask import current_app
    if not current_app.config.get("XAPI_LRS_URL"):
        click.echo("xapi: XAPI_LRS_URL is not set: no statements are recorded or sent")
        return
    report = push(_parse_now(now))
    click.echo(f"xapi: {report.summary()}")
    for reason in dict.fromkeys(report.errors):
        click.echo(f"xapi: LRS: {reason}", err=True)
