"""`flask users export EMAIL [--output FILE]` and `flask users delete EMAIL --yes`."""
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from ..admin import audit
from ..admin.cli import write_atomically
from ..auth.accounts import find_by_email
from ..auth.cli import users_cli
from ..extensions import db
from . import data


class UnknownAccount(click.ClickException):
    exit_code = 2  # like any other bad argument


def _account(email: str):
    user = find_by_email(email)
    if user is None or user.deleted_at is not None:
        raise UnknownAccount(f"no account has the address {email!r}")
    return user


@click.command("export")
@with_appcontext
@click.argument("email")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (readable by its owner only) instead of standard output.")
def export_user(email, output):
    """Everything stored about one account, as JSON (what the learner downloads as "my data")."""
    user = _account(email)
    document = data.personal_data_json(user)
    if output is None:
        sys.stdout.write(document)
    else:
        write_atomically(output, [document])
        click.echo(f"Wrote the data of {user.email} to {output}.", err=True)
    audit.record(None, "personal_data_export", user_id=user.id, email=user.email)


@click.command("delete")
@with_appcontext
@click.argument("email")
@click.option("--yes", is_flag=True, help="Confirm: the account is deleted for good.")
def delete_user(email, yes):
    """Delete an account: personal data erased, statistics kept without a name."""
    user = _account(email)
    if not yes:
        raise click.UsageError(f"deleting the account of {user.email} cannot be undone: add --yes to confirm")
    uid = user.id
    data.erase(user)
    audit.record(None, "account_deleted", user_id=uid)  # commits it all at once
    db.session.remove()
    click.echo(f"Deleted the account {uid}: its name, address and writing are erased; "
               "statistics are kept without a name.")


def init_app(app: Flask) -> None:
    users_cli.add_command(export_user)
    users_cli.add_command(delete_user)
