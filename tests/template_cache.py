"""Test-suite speed-up: each Jinja template is compiled once per process, not once per app.

Every test gets a fresh app, so a fresh Jinja environment, which compiled
every template the test renders from source (lexing, parsing, Python's
`compile`): about a third of the suite's CPU. Jinja's own mechanism for
not compiling again, a bytecode cache, is installed on every environment
the tests make (Flask's and the email environments of course/mail): the
compiled module code of a template is kept in memory and each environment
still runs it into its own template objects, with its own globals and filters.

The code Jinja generates depends on the source (the bucket's checksum) and on
the environment's settings, so those settings are part of the key: the
lexer's (trim_blocks, lstrip_blocks, delimiters...), autoescaping for this
template, the extensions, `finalize`, async, and the filters and tests by
name and by what they are passed (the generated call differs). An app with
other settings or other templates gets code of its own.
tests/test_template_cache.py checks that pages render the same with and
without it.
"""
import hashlib

from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.utils import _PassArg


class ProcessBytecodeCache(BytecodeCache):
    """Compiled template code kept in this process's memory."""

    def __init__(self):
        self.code: dict[tuple[str, str], object] = {}

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        bucket = Bucket(environment, _key(environment, name, filename), self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        bucket.code = self.code.get((bucket.key, bucket.checksum))

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[(bucket.key, bucket.checksum)] = bucket.code


def _key(env: Environment, name: str, filename: str | None) -> str:
    autoescape = env.autoescape(name) if callable(env.autoescape) else env.autoescape
    finalize = env.finalize and (_PassArg.from_obj(env.finalize), getattr(env.finalize, "__qualname__", None))
    settings = (
        name, filename,
        env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
        env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
        env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
        bool(autoescape), env.optimized, env.is_async, env.sandboxed, finalize,
        env.policies.get("ext.i18n.trimmed"), tuple(sorted(env.extensions)),
        tuple(sorted((key, _PassArg.from_obj(f)) for key, f in env.filters.items())),
        tuple(sorted((key, _PassArg.from_obj(f)) for key, f in env.tests.items())),
    )
    return hashlib.sha1(repr(settings).encode()).hexdigest()


CACHE = ProcessBytecodeCache()
_original_init = Environment.__init__


def _init_with_cache(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    if self.bytecode_cache is None:
        self.bytecode_cache = CACHE


def install() -> None:
    Environment.__init__ = _init_with_cache
