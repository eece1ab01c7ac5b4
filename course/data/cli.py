"""`flask data dump FILE`, `flask data load FILE`, `flask data backup FILE`."""
import gzip
import sqlite3
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from ..admin.cli import write_atomically
from ..extensions import db
from .archive import ArchiveError, dump_lines, gzip_chunks, load_lines
from .backup import backup_sqlite

data_cli = AppGroup("data", help="Back up, dump and load the database.")


class Refused(click.ClickException):
    exit_code = 2


@data_cli.command("dump")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def dump_command(file: Path):
    """Write every table to FILE (gzip-compressed JSON Lines, with the schema revision)."""
    with db.engine.connect() as conn:
        lines = dump_lines(conn)
        try:
            first = next(lines)  # the revision is checked before any file is made
        except ArchiveError as exc:
            raise Refused(str(exc)) from None
        counter = [0]
        write_atomically(file, gzip_chunks(_counting([first], lines, counter)), binary=True)
    click.echo(f"data: {counter[0]} rows written to {file}")


def _counting(first, lines, counter):
    yield from first
    for line in lines:
        if line.startswith("["):
            counter[0] += 1
        yield line


@data_cli.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_command(file: Path):
    """Load FILE (from `data dump`) into this empty, migrated database, in one transaction."""
    try:
        with gzip.open(file, "rt", encoding="utf-8") as fh, db.engine.begin() as conn:
            counts = load_lines(conn, iter(fh))
    except ArchiveError as exc:
        raise Refused(f"{file}: {exc}") from None
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise Refused(f"{file}: not a readable archive ({exc})") from None
    except SQLAlchemyError as exc:
        raise click.ClickException(f"{file}: nothing was loaded: {exc.__class__.__name__}: {exc.orig or exc}") from None
    click.echo(f"data: {sum(counts.values())} rows loaded from {file} into {len(counts)} tables")


@data_cli.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path):
    """Copy the live SQLite database to FILE, consistently, while the app keeps writing."""
    url = make_url(db.engine.url)
    if url.get_backend_name() != "sqlite":
        raise Refused("data backup copies SQLite databases; for PostgreSQL use pg_dump "
                      "(pg_dump --format=custom --file=aula.pgdump DATABASE), see the README's Backups")
    if not url.database or url.database == ":memory:" or not Path(url.database).exists():
        raise Refused(f"no SQLite database file at {url.database!r}")
    try:
        backup_sqlite(url.database, file)
    except (sqlite3.Error, OSError) as exc:
        raise click.ClickException(f"cannot back up to {file}: {exc}") from None
    click.echo(f"data: {url.database} backed up to {file}")
