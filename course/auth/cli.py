"""`flask users create`: accounts for instructors, admins and learners."""
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from ..i18n import LANGUAGES
from ..models import ROLES
from .accounts import AccountError, create_user

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="The account's role.")
@click.option("--name", default="", help="Display name (default: the part of the email before @).")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True, help="Course language.")
@click.option("--timezone", "timezone", default="UTC", show_default=True, help="IANA time zone, e.g. Europe/Rome.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of a prompt.")
def create(email, role, name, lang, timezone, password_stdin):
    """Create an account with a confirmed email address."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, password, name=name, lang=lang, timezone=timezone, role=role, confirmed=True)
    except AccountError as exc:
        option = {"email": "EMAIL", "password": "password", "lang": "--lang", "timezone": "--timezone", "role": "--role"}[exc.field]
        raise click.UsageError(f"{option}: {exc.message}")
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
