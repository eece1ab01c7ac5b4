"""`flask course ...`: check the course, print its format, reload it.

The one command group not registered by an `init_app`: it is a Flask CLI
plugin (see pyproject.toml), so `validate` and `schema` run without loading
the app, precisely when the content is broken (the app refuses to start
then). It uses the content library (course/content) and, for `reload`, the
running app's content (content_runtime); the library knows neither.
"""
import json
import os
import sys
from pathlib import Path

import click

from .config import PROJECT_ROOT
from .content.hashes import fix_hashes
from .content.loader import ContentError, display_path
from .content.schema import KINDS, lesson_format_schema
from .content.validate import content_root_of, validate_path


def _content_dir() -> Path:
    return Path(os.environ.get("CONTENT_DIR", PROJECT_ROOT / "content"))


@click.group("course", help="Check the course content, print its format, reload it.")
def course_cli():
    pass


def _print_problems(problems) -> int:
    """Print every problem on stdout; return how many are not warnings."""
    for problem in problems:
        click.echo(str(problem))
    return sum(1 for p in problems if p.level != "warning")


@course_cli.command("validate")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--fix-hashes", "fix", is_flag=True,
              help="First record in each translation (or only in PATH's) that it is up to date with its "
                   "English file (the translation_of: line).")
def validate(path: Path | None, fix: bool):
    """Check a content folder (default CONTENT_DIR) or one content file.

    Prints one `path:line: message` per problem and exits 1 if any is an
    error; warnings (`path:line: warning: ...`) alone exit 0.
    """
    target = path or _content_dir()
    if not target.exists():
        raise click.BadParameter(f"{target} does not exist", param_hint="PATH")
    if fix:
        root = target if target.is_dir() else content_root_of(target)
        if root is None:
            raise click.BadParameter(f"{target} is not inside a content folder (content/<lang>/...)",
                                     param_hint="PATH")
        changes, fix_problems = fix_hashes(root, None if target.is_dir() else target)
        for change in changes:
            was = f"was {change.old}" if change.old else "added"
            click.echo(f"{display_path(change.path)}: translation_of: {change.new} ({was})", err=True)
        if not changes and not fix_problems:
            click.echo("Every translation hash was already up to date.", err=True)
        if _print_problems(fix_problems):
            sys.exit(1)
    problems = validate_path(target)
    errors = _print_problems(problems)
    warnings = len(problems) - errors
    noted = f" ({warnings} warning(s))" if warnings else ""
    if errors:
        click.echo(f"{errors} problem(s) found{noted}.", err=True)
        sys.exit(1)
    what = "The course" if target.is_dir() else display_path(target)
    click.echo(f"{what} is valid{noted}.", err=True)


@course_cli.command("schema")
@click.option("--kind", type=click.Choice(("any",) + KINDS), default="any", show_default=True,
              help="One kind of file only (for editors that map a schema per file pattern).")
def schema(kind: str):
    """Print the JSON Schema of the lesson format (for editors' YAML plugins)."""
    click.echo(json.dumps(lesson_format_schema(None if kind == "any" else kind), indent=2, ensure_ascii=False))


@course_cli.command("reload")
@click.pass_context
def reload(ctx: click.Context):
    """Check the content, then make every running server reload it.

    Each server picks the new content up within a few seconds (it compares
    a content generation kept in the database); the old course stays in
    place if the new content has errors.
    """
    from flask.cli import ScriptInfo

    info = ctx.ensure_object(ScriptInfo)
    try:
        app = info.load_app()  # loads the content: refuses broken content
        from .content_runtime import CHECK_SECONDS_DEFAULT, bump_generation, check_now

        with app.app_context():
            check_now()  # the files as they are now, even if the app was loaded earlier
            generation = bump_generation()
            seconds = app.config.get("CONTENT_CHECK_SECONDS", CHECK_SECONDS_DEFAULT)
    except ContentError as exc:
        _print_problems(exc.problems)
        click.echo(f"{len(exc.problems)} problem(s) found: the running servers keep the course they have.", err=True)
        sys.exit(1)
    click.echo(f"The content is valid. Every running server reloads it within {seconds:g} seconds "
               f"(generation {generation}).", err=True)
