"""Files with personal data are created readable by their owner only: the
SQLite database with its WAL and shared-memory files, and the outbox."""
import os
import stat

from tests.conftest import make_app
from tests.databases import migrate


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_sqlite_database_and_its_wal_are_private(tmp_path):
    """(SQLite's own files: this test makes its own SQLite database, also under make test-postgres.)"""
    path = tmp_path / "fresh.sqlite3"
    old = os.umask(0o022)  # the usual umask: files readable by everyone unless made otherwise
    try:
        migrate(f"sqlite:///{path}")
        app = make_app(path)
        assert app.test_client().get("/healthz").status_code == 200
        # The app's pooled connection is still open: the WAL and shared-memory files exist.
        files = {p.name: mode(p) for p in tmp_path.iterdir()}
        with app.app_context():
            from course.extensions import db

            db.engine.dispose()
    finally:
        os.umask(old)
    assert files == {"fresh.sqlite3": 0o600, "fresh.sqlite3-wal": 0o600, "fresh.sqlite3-shm": 0o600}


def test_the_outbox_folder_and_its_emails_are_private(app, client, make_user, tmp_path):
    make_user(email="ada@example.com", name="Ada")
    old = os.umask(0o022)
    try:
        client.post("/en/password/forgot", data={"email": "ada@example.com"}, buffered=True)
    finally:
        os.umask(old)
    outbox = tmp_path / "outbox"
    [email] = list(outbox.glob("*.eml"))
    assert (mode(outbox), mode(email)) == (0o700, 0o600)
