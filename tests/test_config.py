"""Configuration from the environment, with working defaults."""
import os

from course import create_app
from course.config import PROJECT_ROOT


def test_defaults_and_a_secret_key_generated_once_and_kept(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "SECRET_KEY", "SMTP_URL", "BASE_URL", "CONTENT_DIR"):
        monkeypatch.delenv(name, raising=False)
    from course import config

    first = config.from_environment(str(tmp_path / "instance"))
    second = config.from_environment(str(tmp_path / "instance"))
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and len(first["SECRET_KEY"]) >= 32
    assert (os.stat(tmp_path / "instance" / "secret_key").st_mode & 0o777) == 0o600
    assert first["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'instance' / 'aula.sqlite3'}"
    assert first["BASE_URL"] == "http://127.0.0.1:5000"
    assert first["SMTP_URL"] == ""
    assert first["CONTENT_DIR"] == str(PROJECT_ROOT / "content")
    assert first["OUTBOX_DIR"] == str(tmp_path / "instance" / "outbox")


def test_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/other.sqlite3")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment-" + "y" * 20)
    monkeypatch.setenv("SMTP_URL", "smtp://mail.example:587?starttls=1")
    monkeypatch.setenv("BASE_URL", "https://aula.example/")
    monkeypatch.setenv("CONTENT_DIR", str(PROJECT_ROOT / "content"))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/other.sqlite3"
    assert app.config["SECRET_KEY"].startswith("from-the-environment-")
    assert app.config["SMTP_URL"] == "smtp://mail.example:587?starttls=1"
    assert app.config["BASE_URL"] == "https://aula.example"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_connections_to_a_server_are_pinged_and_an_sqlite_file_is_not(tmp_path):
    from course.config import derived

    base = {"BASE_URL": "http://aula.test"}
    sqlite = derived({**base, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.db'}"})
    assert sqlite["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": False}
    server = derived({**base, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://aula@db/aula",
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 10}})
    assert server["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_size": 10, "pool_pre_ping": True}
    chosen = derived({**base, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://aula@db/aula",
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False}})
    assert chosen["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": False}
