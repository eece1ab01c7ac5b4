"""Fill a catalogue's msgstr entries from a Python table of translations.

Usage: python scripts/fill_po.py TABLE.py CATALOGUE_DIR
TABLE.py defines T = {msgid or (singular, plural): (it, es, pl)}, where each
of it/es/pl is a string, or a tuple of plural forms. Entries already
translated are kept unless the table has them; missing ones are reported.
"""
import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LANGS = ("it", "es", "pl")


def main(table_path: str, folder: str) -> int:
    table = runpy.run_path(table_path)["T"]
    missing = 0
    for index, lang in enumerate(LANGS):
        po = Path(folder) / lang / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        for message in catalog:
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else tuple(message.id)
            if key in table:
                message.string = table[key][index]
                message.flags.discard("fuzzy")
            elif not (message.string if isinstance(message.string, str) else all(message.string)):
                print(f"{po}: untranslated: {key!r}")
                missing += 1
        with po.open("wb") as fh:
            write_po(fh, catalog, width=0, omit_header=False)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
