"""`flask translate`: extract, update and compile the UI catalogues.

The UI's source language is English. Each area with its own `translations/`
folder (e.g. course/activities/translations) has its own catalogue, extracted
from that area's package; the core catalogue (course/translations) covers
everything else. Flask-Babel merges them at run time.
"""
import tempfile
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from .i18n import DEFAULT_LANGUAGE, LANGUAGES

PACKAGE = Path(__file__).resolve().parent
PROJECT = PACKAGE.parent
TARGET_LANGUAGES = tuple(lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE)

translate_cli = AppGroup("translate", help="Manage the UI translations.")


def catalogues() -> dict[Path, list[Path]]:
    """Each translations folder and the sources its strings come from."""
    areas = sorted(p.parent for p in PACKAGE.glob("*/translations") if p.is_dir())
    result = {area / "translations": [area] for area in areas}
    core = [p for p in sorted(PACKAGE.iterdir())
            if p.name not in ("translations", "static", "__pycache__") and p not in areas
            and (p.suffix == ".py" or p.is_dir())]
    result[PACKAGE / "translations"] = core
    return result


def _pybabel(*args: str) -> None:
    """`pybabel ARGS`, Babel's own command line, run in this process (no interpreter start per
    catalogue). Paths are absolute, so the working folder does not matter."""
    from babel.messages.frontend import CommandLineInterface

    try:
        status = CommandLineInterface().run(["pybabel", "--quiet", *args])
    except SystemExit as exc:  # a usage error: optparse has printed it
        status = exc.code
    except Exception as exc:  # noqa: BLE001 - a source or catalogue Babel cannot read
        raise click.ClickException(f"pybabel {args[0]} failed: {exc}") from exc
    if status:
        raise click.ClickException(f"pybabel {args[0]} failed (status {status}); see the messages above")


def extract(folder: Path, sources: list[Path], pot: Path) -> None:
    _pybabel("extract", "-F", str(PROJECT / "pyproject.toml"), "-k", "_l", "--no-location", "--sort-output",
             "--omit-header", "-o", str(pot), *[str(s) for s in sources])


@translate_cli.command("update")
@click.option("--area", help="Only this area's catalogue (e.g. activities), or 'core'.")
def update(area: str | None):
    """Extract the UI strings and merge them into the .po catalogues."""
    for folder, sources in catalogues().items():
        name = "core" if folder == PACKAGE / "translations" else folder.parent.name
        if area and area != name:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            pot = Path(tmp) / "messages.pot"
            extract(folder, sources, pot)
            for lang in TARGET_LANGUAGES:
                po = folder / lang / "LC_MESSAGES" / "messages.po"
                if po.exists():
                    _pybabel("update", "-i", str(pot), "-d", str(folder), "-l", lang, "--no-fuzzy-matching", "--ignore-obsolete")
                else:
                    _pybabel("init", "-i", str(pot), "-d", str(folder), "-l", lang)
        click.echo(f"updated {folder.relative_to(PROJECT)}")


def init_app(app: Flask) -> None:
    app.cli.add_command(translate_cli)
