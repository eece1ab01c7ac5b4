"""A consistent copy of a live SQLite database (SQLite's online backup API)."""
import os
import sqlite3
import tempfile
from pathlib import Path


def backup_sqlite(source: str, target: Path) -> None:
    """Copy the database file `source` to `target` while others keep writing.

    The copy is one consistent snapshot (it is read in one read transaction),
    made beside the target, checked, flushed, then renamed into place;
    readable by its owner only.
    """
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        dst = sqlite3.connect(tmp)
        try:
            # In one step: a read transaction, which in WAL mode never blocks the writers (a copy in
            # several steps would restart on every write and might never finish on a busy server).
            src.backup(dst)
            # A backup of a WAL database is in WAL mode: make the copy one self-contained file.
            dst.execute("PRAGMA journal_mode=DELETE")
            check = dst.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"the copy fails its integrity check: {check}")
        finally:
            dst.close()
            src.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
