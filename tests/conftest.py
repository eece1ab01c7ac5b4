"""Fixtures: a fresh app and a fresh database (built by the migrations) per test."""
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from course import create_app
from course.config import PROJECT_ROOT
from tests.databases import ON_POSTGRES, databases, migrate
from tests.routing_cache import install as cache_url_builders
from tests.sql_cache import install as share_compiled_sql
from tests.template_cache import install as cache_compiled_templates
from tests.yaml_cache import install as cache_parsed_yaml

pytest_plugins = ["tests.smtp"]  # a real SMTP server for the tests that send email
cache_url_builders()  # one compile of each URL builder per process, not per app (tests/routing_cache.py)
cache_compiled_templates()  # one compile of each template per process, not per app (tests/template_cache.py)
share_compiled_sql()  # one compile of each SQL statement per process on SQLite, not per engine (tests/sql_cache.py)
cache_parsed_yaml()  # one parse of each content file's bytes per process, not per load (tests/yaml_cache.py)

TEST_SECRET = "test-secret-key-" + "x" * 32
#: A small course of the tests' own (two modules, a reflection, quizzes), for
#: tests of the engine: override `app_config` with {"CONTENT_DIR": str(FIXTURE_COURSE)}.
#: Tests of the shipped course as such use the default, the project's content/.
FIXTURE_COURSE = Path(__file__).resolve().parent / "fixtures" / "course"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def database_store(tmp_path_factory):
    """Makes and drops the tests' databases (SQLite files, or PostgreSQL under TEST_DATABASE_URL)."""
    store = databases(tmp_path_factory.mktemp("databases"))
    yield store
    store.close()


@pytest.fixture(scope="session")
def migrated_db(database_store) -> str:
    """The URL of a database upgraded once by `flask db upgrade`; each test gets a copy."""
    url = database_store.empty()
    migrate(url)
    return url


def make_app(database: Path | str, **overrides):
    """The app on `database`: an SQLite file's path or a database URL."""
    url = database if isinstance(database, str) and "://" in database else f"sqlite:///{database}"
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": url,
        "CONTENT_DIR": str(PROJECT_ROOT / "content"),
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://aula.test",
        # Real argon2id, at a cost that suits a test suite rather than a server.
        "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def database_url(migrated_db, database_store) -> str:
    """This test's own fresh copy of the migrated database."""
    url = database_store.fresh(migrated_db)
    yield url
    database_store.release(url)


@pytest.fixture
def db_path(database_url) -> Path | str:
    """This test's database for make_app(): the SQLite file's path, or the PostgreSQL URL."""
    return database_url if ON_POSTGRES else Path(make_url(database_url).database)


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
def db_rows(database_url):
    """Count rows straight from the database, bypassing the app."""
    def count(sql: str, **params) -> int:
        engine = create_engine(database_url)
        try:
            with engine.connect() as conn:
                from sqlalchemy import text

                return conn.execute(text(sql), params).scalar()
        finally:
            engine.dispose()

    return count
