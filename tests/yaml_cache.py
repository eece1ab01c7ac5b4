"""Test-suite speed-up: a content file whose bytes were already parsed (and checked against their
model) cleanly is not parsed (or checked) again.

Loading a course parses its ~200 YAML files (about three quarters of the
load's time). Many tests load a course more than once: the authoring tests
copy the whole shipped course, break one file, then run the validator and
start an app on the copy, which parses all 200 files twice, 44 times a run;
the debug-reload tests load it again after each edit. The files they did not
touch are the same bytes each time.

`read_yaml(path, display, problems)` is a function of the file's bytes: its
data and the line of each key come from the bytes alone, and `display` and
`path` are only copied into the Source. So this keeps, per process, the data
and lines of every file read without a problem, keyed by the bytes, and
hands back a new Source with this call's path and display. A file with a
problem (syntax, tags, anchors, duplicate keys, not UTF-8, too big) is read
as usual every time, so every message is made the usual way.

Nothing in the loader or the validator changes a Source's data or lines;
the cached ones are shared, as a Source's are between the validator's passes.
tests/test_yaml_cache.py checks that every shipped file reads the same with
and without it. If `read_yaml` (course/content/yamlsource.py) ever reads
anything besides the file's bytes, this cache must key on it too.

Checking a parsed file against its model (`validate_model`, pydantic, about a
fifth of a load) is likewise a function of the data alone: the model made
from the cached data of some bytes is kept per model and bytes, and handed
back to every later load of the same bytes as that model. The content models
are frozen pydantic models whose fields are tuples, so loads can share them,
as apps already share a loaded course. A check that finds a problem is made
the usual way every time.
"""
from course.content import loader, validate, yamlsource
from course.content.yamlsource import Source

_original = yamlsource.read_yaml
_original_validate = loader.validate_model
#: file bytes -> (data, lines) of a read without problems
_parsed: dict[bytes, tuple[object, dict]] = {}
#: (model, file bytes) -> the model made from that file's cached data, without problems
_validated: dict[tuple[type, bytes], object] = {}


def read_yaml(path, display, problems):
    try:
        raw = path.read_bytes()
    except OSError:
        return _original(path, display, problems)
    known = _parsed.get(raw)
    if known is not None:
        data, lines = known
        return Source(display, data=data, lines=lines, raw=raw, file=path)
    before = len(problems)
    source = _original(path, display, problems)
    if source is not None and len(problems) == before and source.raw == raw:
        _parsed[raw] = (source.data, source.lines)
    return source


def validate_model(model, source, problems):
    known = _parsed.get(source.raw) if source.raw is not None else None
    if known is None or source.data is not known[0]:  # not the cached data of these bytes
        return _original_validate(model, source, problems)
    key = (model, source.raw)
    item = _validated.get(key)
    if item is None:
        before = len(problems)
        item = _original_validate(model, source, problems)
        if item is not None and len(problems) == before:
            _validated[key] = item
    return item


def install() -> None:
    for module in (yamlsource, loader, validate):
        module.read_yaml = read_yaml
    for module in (loader, validate):
        module.validate_model = validate_model


def original_read_yaml(path, display, problems):
    """The read without the cache."""
    return _original(path, display, problems)


def original_validate_model(model, source, problems):
    """The check without the cache."""
    return _original_validate(model, source, problems)
