"""`flask course ...`: check the course and print the lesson format.

Registered as a Flask CLI plugin (see pyproject.toml), so it runs without
loading the app: it must work precisely when the content is broken.
"""
import json
import os
import sys
from pathlib import Path

import click

from ..config import PROJECT_ROOT
from .schema import lesson_format_schema
from .validate import validate_path


@click.group("course", help="Check the course content and print its format.")
def course_cli():
    pass


@course_cli.command("validate")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def validate(path: Path | None):
    """Check a content folder (default CONTENT_DIR) or one lesson file.

    Prints one `path:line: message` per problem; exits 1 if there is any error.
    """
    target = path or Path(os.environ.get("CONTENT_DIR", PROJECT_ROOT / "content"))
    if not target.exists():
        raise click.BadParameter(f"{target} does not exist", param_hint="PATH")
    problems = validate_path(target)
    for problem in problems:
        click.echo(str(problem))
    errors = [p for p in problems if p.level != "warning"]
    if errors:
        click.echo(f"{len(errors)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo("The course is valid." if target.is_dir() else f"{target} is valid.", err=True)


@course_cli.command("schema")
def schema():
    """Print the JSON Schema of the lesson format (for editors' YAML plugins)."""
    click.echo(json.dumps(lesson_format_schema(), indent=2, ensure_ascii=False))
