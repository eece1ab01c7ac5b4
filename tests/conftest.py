"""Fixtures: a fresh app and a fresh database (built by the migrations) per test."""
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from course import create_app
from course.config import PROJECT_ROOT

TEST_SECRET = "test-secret-key-" + "x" * 32
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory) -> Path:
    """An SQLite file upgraded once by `flask db upgrade`; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": TEST_SECRET, "TESTING": True})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        from course.extensions import db

        db.engine.dispose()
    return path


def make_app(db_path: Path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "CONTENT_DIR": str(PROJECT_ROOT / "content"),
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://aula.test",
        # Real argon2id, at a cost that suits a test suite rather than a server.
        "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def db_path(migrated_db, tmp_path) -> Path:
    path = tmp_path / "aula.sqlite3"
    shutil.copy(migrated_db, path)
    return path


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change the app's settings."""
    return {}


@pytest.fixture
def app(db_path, app_config, tmp_path):
    app = make_app(db_path, OUTBOX_DIR=str(tmp_path / "outbox"), **app_config)
    yield app
    with app.app_context():
        from course.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create an account: make_user(email=..., role=..., lang=..., ...)."""
    counter = iter(range(1, 1_000_000))

    def factory(email=None, password=PASSWORD, role="learner", lang="en", timezone="UTC", name=None, confirmed=True):
        from course.auth.accounts import create_user

        n = next(counter)
        email = email or f"learner{n}@example.com"
        with app.app_context():
            user = create_user(email, password, name=name or f"Learner {n}", role=role, lang=lang,
                               timezone=timezone, confirmed=confirmed)
            return user.id

    return factory


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, email, password=PASSWORD, lang="en"):
        return self.client.post(f"/{lang}/login", data={"email": email, "password": password})

    def logout(self, lang="en"):
        return self.client.post(f"/{lang}/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def learner(make_user, auth):
    """A signed-in learner; returns their user id."""
    user_id = make_user(email="ada@example.com", name="Ada")
    auth.login("ada@example.com")
    return user_id


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def db_rows(db_path):
    """Count rows straight from the SQLite file, bypassing the app."""
    def count(sql: str, **params) -> int:
        engine = create_engine(f"sqlite:///{db_path}")
        try:
            with engine.connect() as conn:
                from sqlalchemy import text

                return conn.execute(text(sql), params).scalar()
        finally:
            engine.dispose()

    return count
