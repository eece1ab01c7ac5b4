"""Safe YAML reading that remembers the line of every key and item."""
from dataclasses import dataclass, field
from pathlib import Path

import yaml

try:  # libyaml's C loader where present, else the pure-Python one
    SafeLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    SafeLoader = yaml.SafeLoader

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


def _walk(node, path, lines, problems, display):
    if isinstance(node, yaml.MappingNode):
        seen = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(Problem(display, line, f"duplicate key '{key}' (first on line {seen[key]})"))
            seen[key] = line
            lines[path + (key,)] = line
            _walk(value_node, path + (key,), lines, problems, display)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            _walk(item, path + (index,), lines, problems, display)


def read_yaml(path: Path, display: str, problems: list) -> Source | None:
    """Read one YAML file safely; add a Problem for anything wrong with it."""
    source = Source(display)
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
        _walk(node, (), source.lines, problems, display)
        source.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = exc.problem or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in message:
            message = f"YAML tags are not allowed here ({message.split('tag')[-1].strip()})"
        problems.append(Problem(display, line, f"YAML syntax error: {message}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(display, 1, f"YAML error: {exc}"))
        return None
    finally:
        loader.dispose()
    return source
