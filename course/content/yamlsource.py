"""Safe YAML reading that remembers the line of every key and item."""
from dataclasses import dataclass, field
from pathlib import Path

import yaml

try:  # libyaml's C loader where present, else the pure-Python one
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader

_STR, _NULL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null"
_DEFAULT_TAGS = {yaml.ScalarNode: _STR, yaml.SequenceNode: "tag:yaml.org,2002:seq",
                 yaml.MappingNode: "tag:yaml.org,2002:map"}
_IMPLICIT = {first: tuple(resolvers) for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()}


class SafeLoader(_BaseLoader):
    """PyYAML's safe loader with a leaner tag resolver: the same YAML 1.1
    rules, a third of the time (it runs once per value of every file)."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            if not value:
                return _NULL
            for tag, regexp in _IMPLICIT.get(value[0], ()):
                if regexp.match(value):
                    return tag
        return _DEFAULT_TAGS[kind]

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass


MAX_FILE_BYTES = 256 * 1024


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    #: "error" stops start-up; "parity" (a language out of step with another)
    #: and "warning" are reported by `course validate` but let the app start.
    level: str = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.level == "warning" else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


@dataclass
class Source:
    """One parsed YAML file: its data and the line of each path inside it."""

    path: str
    data: object = None
    lines: dict = field(default_factory=dict)
    raw: bytes = b""
    #: The file on disk (`path` is how it is shown in messages).
    file: Path | None = None

    def line_of(self, loc) -> int:
        """The line of the deepest part of `loc` (a key/index path) found."""
        path: tuple = ()
        line = self.lines.get((), 1)
        for part in loc:
            candidate = path + (part,)
            if candidate in self.lines:
                path = candidate
                line = self.lines[candidate]
        return line


STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
)


class _Refused(Exception):
    """A construct the safe reader will not even build (reported, not raised)."""


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


_SCALARS = {
    "tag:yaml.org,2002:int": "construct_yaml_int",
    "tag:yaml.org,2002:float": "construct_yaml_float",
    "tag:yaml.org,2002:bool": "construct_yaml_bool",
    "tag:yaml.org,2002:timestamp": "construct_yaml_timestamp",
}


def _build(loader, node, path, lines, problems, display, seen_nodes):
    """The node as Python data, noting the line of every key and item on the
    way; refuses tags and aliases (one pass instead of PyYAML's two)."""
    if id(node) in seen_nodes:
        # The composer hands back the anchored node again for each alias.
        # Report the line of the key or item that repeats it, not the anchor.
        problems.append(Problem(display, lines.get(path, node.start_mark.line + 1),
                                "YAML anchors and aliases (&name, *name, <<) are not allowed: write the text out"))
        raise _Refused
    seen_nodes.add(id(node))
    tag = node.tag
    if tag not in STANDARD_TAGS:
        problems.append(Problem(display, node.start_mark.line + 1,
                                f"the YAML tag '{_short_tag(tag)}' is not allowed (content files hold plain text, numbers, lists and mappings)"))
        raise _Refused
    if tag == _STR:
        return node.value
    if tag == "tag:yaml.org,2002:map":
        data, seen = {}, {}
        for key_node, value_node in node.value:
            if key_node.tag not in STANDARD_TAGS:
                what = ("YAML merge keys (<<) are not allowed: write the keys out"
                        if key_node.tag == "tag:yaml.org,2002:merge"
                        else f"the YAML tag '{_short_tag(key_node.tag)}' is not allowed")
                problems.append(Problem(display, key_node.start_mark.line + 1, what))
                raise _Refused
            key = key_node.value if key_node.tag == _STR else _key(loader, key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(Problem(display, line, f"duplicate key '{key}' (first on line {seen[key]})"))
            seen[key] = line
            lines[path + (key,)] = line
            data[key] = _build(loader, value_node, path + (key,), lines, problems, display, seen_nodes)
        return data
    if tag == "tag:yaml.org,2002:seq":
        items = []
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            items.append(_build(loader, item, path + (index,), lines, problems, display, seen_nodes))
        return items
    if tag == _NULL:
        return None
    return getattr(loader, _SCALARS[tag])(node)


def _key(loader, node):
    """A mapping key that is not plain text (a number, true, a list...)."""
    if isinstance(node, yaml.ScalarNode) and node.tag in _SCALARS:
        value = getattr(loader, _SCALARS[node.tag])(node)
        try:
            hash(value)
            return value
        except TypeError:  # pragma: no cover - scalars are hashable
            pass
    return node.value if isinstance(node, yaml.ScalarNode) else f"<{type(node).__name__}>"


def _hint(message: str, text: str, line: int) -> str:
    """A likely cause of the commonest YAML mistakes."""
    lines = text.splitlines()
    this = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in this[: len(this) - len(this.lstrip())] or ("cannot start any token" in message and "\t" in this):
        return " (a tab: indent with spaces only)"
    if message.startswith("mapping values are not allowed"):
        return " (if a text on this line contains ': ', put the whole text in quotes, or check the indentation)"
    if "that cannot start any token" in message:
        return " (a text that starts with a special character needs quotes)"
    return ""


def read_yaml(path: Path, display: str, problems: list) -> Source | None:
    """Read one YAML file safely; add a Problem for anything wrong with it."""
    source = Source(display, file=path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(display, 1, f"cannot read the file: {exc.strerror}"))
        return None
    source.raw = raw
    if len(raw) > MAX_FILE_BYTES:
        problems.append(Problem(display, 1, f"the file is {len(raw) // 1024} KiB; the limit is {MAX_FILE_BYTES // 1024} KiB"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(display, line, "the file is not UTF-8 text (save it as UTF-8)"))
        return None
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            problems.append(Problem(display, 1, "the file is empty"))
            return None
        source.data = _build(loader, node, (), source.lines, problems, display, set())
    except _Refused:
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = exc.problem or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in message:
            message = f"YAML tags are not allowed here ({message.split('tag')[-1].strip()})"
        problems.append(Problem(display, line, f"YAML syntax error: {message}{_hint(message, text, line)}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(display, 1, f"YAML error: {exc}"))
        return None
    finally:
        loader.dispose()
    return source
