"""`flask users export EMAIL` and `flask users delete EMAIL --yes`."""
import sys
from pathlib import Path

import click
from flask import Flask

from ..admin.cli import write_atomically
from ..auth.accounts import find_by_email
from ..auth.cli import users_cli
from . import data


def _account(email: str):
    user = find_by_email(email)
    if user is None or user.deleted_at is not None:
        raise click.ClickException(f"no account has the address {email}")
    return user


@click.command("export")
@click.argument("email")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (readable by its owner only) instead of standard output.")
def export_user(email, output):
    """Everything stored about one account, as JSON."""
    document = data.personal_data_json(_account(email))
    if output is None:
        sys.stdout.write(document)
    else:
        write_atomically(output, [document])
        click.echo(f"Wrote the data of {email} to {output}.", err=True)


@click.command("delete")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Confirm: the account is deleted for good.")
def delete_user(email, yes):
    """Delete an account: personal data erased, statistics kept anonymous."""
    user = _account(email)
    if not yes:
        raise click.UsageError("deleting an account cannot be undone: add --yes to confirm")
    uid = user.id
    data.erase(user, source="cli")
    click.echo(f"Deleted the account {uid} ({email}): personal data erased, statistics kept without a name.")


def init_app(app: Flask) -> None:
    users_cli.add_command(export_user)
    users_cli.add_command(delete_user)
