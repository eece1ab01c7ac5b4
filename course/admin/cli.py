"""`flask export completions`: the export stream (export.py) to standard
output or to a file replaced in one step."""
import os
import sys
import tempfile
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from . import audit
from .export import export_chunks, module_ids
from .filters import FORMATS, FilterError, check_filters


class OutputError(click.ClickException):
    """The output file cannot be written; nothing is left behind."""


def write_atomically(path: Path, chunks, binary: bool = False) -> None:
    """Write to a temporary file in the same folder, then rename it into place.

    The file is readable by its owner only (it holds personal data). On any
    failure the temporary file is removed and an existing file at `path` is
    left as it was. `chunks` are text, or bytes when `binary`.
    """
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


export_cli = AppGroup("export", help="Export data.")


@export_cli.command("completions")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="csv (spreadsheets), jsonl (JSON Lines) or xapi (xAPI 1.0.3 statements).")
@click.option("--module", metavar="ID", help="Only this module.")
@click.option("--lang", metavar="L", help="Only learners with this course language (it, es, pl, en).")
@click.option("--since", metavar="DATE", help="Only modules completed on or after this day (YYYY-MM-DD, UTC).")
@click.option("--until", metavar="DATE", help="Only modules completed on or before this day (YYYY-MM-DD, UTC).")
@click.option("--output", "-o", metavar="FILE", type=click.Path(dir_okay=True, path_type=Path),
              help="Write to this file (replaced in one step) instead of standard output.")
def completions(fmt, module, lang, since, until, output):
    """Export the completion records: one per learner and module."""
    try:
        filters = check_filters(module_ids(), module=module, lang=lang, since=since, until=until)
    except FilterError as exc:
        raise click.UsageError("\n".join(f"--{field}: {message}" for field, message in exc.errors.items()))
    counter = [0]
    chunks = export_chunks(fmt, filters, counter)
    try:
        if output is None:
            _to_stdout(chunks)
        else:
            write_atomically(output, chunks)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise click.ClickException(f"cannot read the database: {reason} (is it migrated? flask db upgrade)")
    audit.record(None, "export", format=fmt, filters=filters.as_dict(), records=counter[0],
                 output=str(output) if output else "stdout")
    if output is not None:
        click.echo(f"Wrote {counter[0]} records to {output}.", err=True)


def _to_stdout(chunks) -> None:
    stream = sys.stdout
    try:
        for chunk in chunks:
            stream.write(chunk)
        stream.flush()
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    app.cli.add_command(export_cli)
