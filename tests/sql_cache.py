"""Test-suite speed-up: SQLAlchemy's compiled statements shared by the SQLite engines of a process.

Every test's app makes its own engine (on its own copy of the database), and
SQLAlchemy keeps compiled SQL per engine: each test compiled again every
statement it ran, a tenth to a fifth of the suite's CPU. Here every SQLite
engine of the process uses one compiled cache. SQLAlchemy keys an entry by
the dialect object, the statement's cache key and the column keys; this
cache names the dialect instead by its class, its driver module and every
plain setting it holds (flags, paramstyle, identifier lengths, isolation
level, server version: on SQLite all of them come from the process's one
sqlite3 library and the engine's options), so a statement compiled for one
engine is reused only by an engine whose dialect would compile it the same.
A compiled statement holds no connection and no data: each engine executes
it on its own connections, with its own parameters.

On PostgreSQL (`make test-postgres`) the engines keep SQLAlchemy's own
per-engine caches. tests/test_sql_cache.py checks the sharing and the
isolation. On an SQLAlchemy upgrade, check that `ClauseElement._compile_w_cache`
still keys `compiled_cache` with the dialect first.
"""
import weakref

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.util import LRUCache

_PLAIN = (bool, int, float, str, type(None))
_signatures: "weakref.WeakKeyDictionary[Dialect, tuple]" = weakref.WeakKeyDictionary()


def signature(dialect: Dialect) -> tuple:
    """What decides how this dialect compiles: its class, driver and plain settings.

    Kept per dialect object: a dialect's settings are complete once it has
    connected (`initialize`), which happens before any statement is compiled.
    """
    known = _signatures.get(dialect)
    if known is None:
        settings = []
        for name, value in sorted(vars(dialect).items()):
            if isinstance(value, _PLAIN) or (isinstance(value, tuple) and all(isinstance(v, _PLAIN) for v in value)):
                settings.append((name, value))
            elif callable(value) and not isinstance(value, type):
                settings.append((name, id(value)))  # a serializer: the same function, or no sharing
        known = (type(dialect), id(dialect.dbapi), tuple(settings))
        if dialect.server_version_info is not None:  # complete (see above)
            _signatures[dialect] = known
    return known


class SharedCompiledCache(LRUCache):
    """One LRU cache of compiled statements for engines whose dialects compile alike."""

    def get(self, key, default=None):
        return super().get((signature(key[0]), *key[1:]), default)

    def __setitem__(self, key, value):
        super().__setitem__((signature(key[0]), *key[1:]), value)


CACHE = SharedCompiledCache(5000)


def _share(connection) -> None:
    engine = connection.engine
    if engine._compiled_cache is not None and engine._compiled_cache is not CACHE and engine.dialect.name == "sqlite":
        engine._compiled_cache = CACHE  # before the engine's first statement: its own cache is still empty


def install() -> None:
    event.listen(Engine, "engine_connect", _share)
