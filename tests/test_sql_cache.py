"""tests/sql_cache.py (SQLite engines of the suite share compiled statements) against SQLAlchemy's own caching."""
import pytest
from sqlalchemy import create_engine, select, text

from course.extensions import db
from course.models import User
from tests.conftest import make_app
from tests.databases import ON_POSTGRES
from tests.sql_cache import CACHE, signature

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="the engines share compiled SQL on SQLite only")


def emails(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(select(User.email).where(User.role == "learner").order_by(User.id)).all()


def test_apps_share_compiled_statements_and_each_reads_its_own_database(app, make_user, database_store, migrated_db):
    make_user(email="only-here@example.com")
    other_url = database_store.fresh(migrated_db)
    try:
        other = make_app(other_url)
        assert emails(app) == ["only-here@example.com"]
        with app.app_context():
            assert db.engine._compiled_cache is CACHE
        entries = len(CACHE)
        assert emails(other) == []  # the same statement, compiled once, on the other database
        assert len(CACHE) == entries
        with other.app_context():
            assert db.engine._compiled_cache is CACHE
            other_engine = db.engine
            db.session.remove()
        with app.app_context():
            assert signature(db.engine.dialect) == signature(other_engine.dialect)
        other_engine.dispose()
    finally:
        database_store.release(other_url)


def test_a_dialect_with_other_settings_compiles_its_own(tmp_path):
    plain = create_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    short = create_engine(f"sqlite:///{tmp_path / 'b.sqlite3'}", label_length=6, paramstyle="named")
    try:
        statement = text("SELECT :value AS answer")
        with plain.connect() as a, short.connect() as b:
            assert a.execute(statement, {"value": 41}).scalar() == 41
            assert b.execute(statement, {"value": 42}).scalar() == 42
        assert plain._compiled_cache is short._compiled_cache is CACHE
        assert signature(plain.dialect) != signature(short.dialect)
        compiled = [key for key in CACHE._data if key[1:2] and statement._generate_cache_key()[0] == key[1]]
        assert {key[0] for key in compiled} >= {signature(plain.dialect), signature(short.dialect)}
    finally:
        plain.dispose()
        short.dispose()
