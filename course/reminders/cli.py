"""`flask reminders tick` and `flask reminders run`."""
import signal
import threading
from datetime import datetime, timezone

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..models import utcnow
from ..mail.mailer import ConfigError, parse_smtp_url
from ..signals import scheduler_tick
from .scheduler import next_wake, tick

reminders_cli = AppGroup("reminders", help="Send study reminders.")


def _parse_now(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-10-26T06:00:00Z", param_hint="--now") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def _check_smtp_url() -> None:
    url = current_app.config.get("SMTP_URL")
    if url:
        try:
            parse_smtp_url(url)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None


SENDERS = click.option("--senders", type=click.IntRange(1, 64), default=1, show_default=True,
                       help="Send with this many threads, each with its own connection to the mail server.")


@reminders_cli.command("tick")
@click.option("--now", "now", metavar="ISO-8601",
              help="Act as if it were this moment (default: now; without an offset, UTC).")
@SENDERS
def tick_command(now, senders):
    """Send every reminder that fell due since the last tick, once, then return."""
    _check_smtp_url()
    report = tick(_parse_now(now), senders=senders)
    click.echo(f"reminders: {report.summary()}")
    for reason in dict.fromkeys(report.errors):
        click.echo(f"reminders: mail server: {reason}", err=True)


def run_forever(stop: threading.Event, echo=click.echo, senders: int = 1) -> None:
    """Tick at the start of every minute until `stop` is set."""
    while not stop.is_set():
        try:
            report = tick(stop=stop, senders=senders)
        except Exception:  # noqa: BLE001 - keep running; the next tick tries again
            current_app.logger.exception("reminders: tick failed")
            db.session.rollback()
        else:
            if report.sent or report.failed or report.retrying or report.missed:
                echo(f"reminders: {report.summary()}")
        finally:
            db.session.remove()
        scheduler_tick.send(current_app._get_current_object())
        now = utcnow()
        stop.wait(max((next_wake(now) - now).total_seconds(), 0.05))


@reminders_cli.command("run")
@SENDERS
def run_command(senders):
    """Keep sending reminders as they fall due (every minute) until stopped (SIGTERM, Ctrl-C)."""
    _check_smtp_url()
    stop = threading.Event()

    def _stop(signum, _frame):
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    click.echo("reminders: running; stop with Ctrl-C or SIGTERM", err=True)
    try:
        run_forever(stop, senders=senders)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("reminders: stopped", err=True)
