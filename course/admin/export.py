"""The completion-records export stream, shared by the web download
(views.export) and `flask export completions` (cli.py): the records read
from the database as they are written out, in one of the formats."""
from collections.abc import Iterator
from datetime import date

from flask import current_app

from ..content import get_content
from . import formats, records
from .filters import Filters


def module_ids() -> list[str]:
    return [module.id for module in get_content().course("en").modules]


def export_chunks(fmt: str, filters: Filters, counter: list | None = None) -> Iterator[str]:
    """The completion records in one format, as text chunks, streamed.

    Nothing is read until the first chunk is asked for. `counter`, if given,
    is a one-item list that ends up holding the number of records read.
    """
    content = get_content()
    rows = records.completion_rows(records.module_specs(content), filters, raw_times=True)
    if counter is not None:
        rows = _counted(rows, counter)
    if fmt == "csv":
        return formats.csv_chunks(rows)
    if fmt == "jsonl":
        return formats.jsonl_chunks(rows)
    if fmt == "xapi":
        catalogue = formats.XapiCatalogue.build(content, current_app.config["BASE_URL"])
        return formats.xapi_chunks(rows, catalogue)
    raise ValueError(f"unknown format {fmt!r}")


def _counted(rows, counter: list):
    counter[:] = [0]
    for row in rows:
        counter[0] += 1
        yield row


def download_name(fmt: str, filters: Filters, today: date | None = None) -> str:
    """e.g. completions-2026-03-31-complaints-it.csv"""
    parts = ["completions", (today or date.today()).isoformat()]
    parts += [v for v in (filters.module, filters.lang) if v]
    return "-".join(parts) + "." + formats.EXTENSIONS[fmt]
