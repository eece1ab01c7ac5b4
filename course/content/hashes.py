"""Stale translations: which version of its English file a translation is of.

Each Italian, Spanish and Polish file records `translation_of:`, a short hash
of the English file it translates. When the English file changes afterwards,
`course validate` warns; once the translation is brought up to date,
`course validate --fix-hashes FILE` records the new hash (editing that one
line and nothing else in the file).
"""
import hashlib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..languages import DEFAULT_LANGUAGE, LANGUAGES
from .loader import display_path
from .tree import LanguageTree
from .yamlsource import Problem

HASH_LENGTH = 12
FIX_COMMAND = "flask --app app course validate --fix-hashes"

_KEY_LINE = re.compile(rb"^translation_of:(?P<body>[^\r\n]*)", re.M)
_ID_LINE = re.compile(rb"^(?:\xef\xbb\xbf)?id:[^\r\n]*(?P<eol>\r\n|\n|\r)?", re.M)


def content_hash(raw: bytes) -> str:
    """The first 12 hex digits of the SHA-256 of a file, line endings normalised."""
    normalised = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return hashlib.sha256(normalised).hexdigest()[:HASH_LENGTH]


def english_original(root: Path, path: Path) -> Path | None:
    """The English file a translation translates (None for English files)."""
    try:
        relative = Path(path).resolve().relative_to(root.resolve())
    except ValueError:
        return None
    if len(relative.parts) < 2 or relative.parts[0] == DEFAULT_LANGUAGE or relative.parts[0] not in LANGUAGES:
        return None
    return root / DEFAULT_LANGUAGE / Path(*relative.parts[1:])


def translations_of(root: Path, english: Path) -> list[Path]:
    relative = Path(english).resolve().relative_to((root / DEFAULT_LANGUAGE).resolve())
    return [root / lang / relative for lang in LANGUAGES
            if lang != DEFAULT_LANGUAGE and (root / lang / relative).is_file()]


# -- checking ---------------------------------------------------------------

class _EnglishHashes(dict):
    def __init__(self, root: Path):
        super().__init__()
        self.root = root

    def __missing__(self, path: Path) -> str | None:
        try:
            value = content_hash(path.read_bytes())
        except OSError:
            value = None
        self[path] = value
        return value


def check_hashes(root: Path, trees: dict[str, LanguageTree], git_hints: bool = True) -> list[Problem]:
    """A warning for each translation without a hash or whose English changed."""
    problems: list[Problem] = []
    english_hashes = _EnglishHashes(root)
    git_cache: dict = {}
    for lang in LANGUAGES:
        for source in trees[lang].sources.values():
            data = source.data if isinstance(source.data, dict) else {}
            recorded = data.get("translation_of")
            line = source.line_of(("translation_of",)) if "translation_of" in data else source.line_of(("id",))
            if lang == DEFAULT_LANGUAGE:
                if recorded is not None:
                    problems.append(Problem(source.path, line, "English files are the reference: "
                                            "they need no translation_of (remove this line)", "warning"))
                continue
            english = english_original(root, source.file)
            if english is None or not english.is_file():
                continue  # nothing to translate from: reported by the cross-language checks
            current = english_hashes[english]
            fix = f"run `{FIX_COMMAND} {source.path}`"
            if recorded is None:
                problems.append(Problem(source.path, line, f"no translation_of hash: once this file is a complete "
                                        f"translation of {display_path(english)}, {fix}", "warning"))
            elif str(recorded) != current:
                since = _git_hint(english, str(recorded), git_cache) if git_hints else ""
                problems.append(Problem(source.path, line, f"may be out of date: {display_path(english)} has "
                                        f"changed since this translation was made{since}; update the translation, "
                                        f"then {fix}", "warning"))
    return problems


def _git_hint(english: Path, recorded: str, cache: dict) -> str:
    """`; see what changed: git diff C -- FILE` when git knows the version translated."""
    if english not in cache:
        cache[english] = _git_versions(english)
    for commit, digest in cache[english]:
        if digest == recorded:
            return f"; see what changed: git diff {commit[:10]} -- {display_path(english)}"
    return ""


def _git_versions(english: Path) -> list[tuple[str, str]]:
    """(commit, content hash) of the file's last 100 committed versions, newest
    first; empty when git is not there or does not track the file."""
    try:
        folder = english.resolve().parent
        top = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=5)
        if top.returncode:
            return []
        relative = english.resolve().relative_to(Path(top.stdout.strip()).resolve()).as_posix()
        log = subprocess.run(["git", "-C", str(folder), "log", "--format=%H", "-n", "100", "--", english.name],
                             capture_output=True, text=True, timeout=5)
        commits = log.stdout.split()
        if log.returncode or not commits:
            return []
        batch = subprocess.run(["git", "-C", str(folder), "cat-file", "--batch"],
                               input="".join(f"{c}:{relative}\n" for c in commits).encode(),
                               capture_output=True, timeout=10)
    except (OSError, ValueError, subprocess.SubprocessError):
        return []
    versions, data, pos = [], batch.stdout, 0
    for commit in commits:
        header_end = data.find(b"\n", pos)
        if header_end < 0:
            break
        header = data[pos:header_end].split()
        pos = header_end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        versions.append((commit, content_hash(data[pos:pos + size])))
        pos += size + 1
    return versions


# -- fixing -----------------------------------------------------------------

@dataclass(frozen=True)
class HashChange:
    path: Path
    old: str | None
    new: str


def set_translation_hash(raw: bytes, value: str) -> bytes | None:
    """The file with its `translation_of:` line set to `value`, every other
    byte unchanged; the line goes after the top-level `id:` line when absent.
    None when the file has no top-level `id:` line to put it after."""
    # Quoted when all digits, so that YAML reads it as text, not a number.
    encoded = (f'"{value}"' if value.isdigit() else value).encode("ascii")
    match = _KEY_LINE.search(raw)
    if match:
        _, comment = _split_comment(match.group("body"))
        return raw[:match.start()] + b"translation_of: " + encoded + comment + raw[match.end():]
    match = _ID_LINE.search(raw)
    if not match:
        return None
    eol = match.group("eol")
    line = b"translation_of: " + encoded
    if eol is None:  # the id line is the file's last line, without a newline
        newline = b"\r\n" if b"\r\n" in raw else b"\n"
        return raw[:match.end()] + newline + line
    return raw[:match.end()] + line + eol + raw[match.end():]


def _split_comment(body: bytes) -> tuple[bytes, bytes]:
    """A value and its trailing ` # comment` (kept as it is)."""
    found = re.search(rb"[ \t]+#", body)
    return (body[:found.start()], body[found.start():]) if found else (body, b"")


def recorded_hash(raw: bytes) -> str | None:
    match = _KEY_LINE.search(raw)
    if not match:
        return None
    value = _split_comment(match.group("body"))[0].strip().strip(b"'\"")
    return value.decode("utf-8", "replace") or None


def fix_hashes(root: Path, target: Path | None = None) -> tuple[list[HashChange], list[Problem]]:
    """Record the current English hash in translations: every translation in
    the content folder `root`, or only `target` (a translation, or an English
    file: then all its translations)."""
    root = Path(root)
    if target is None or Path(target).resolve() == root.resolve():
        files = [path for lang in LANGUAGES if lang != DEFAULT_LANGUAGE
                 for path in sorted((root / lang).rglob("*.yaml"))]
    elif english_original(root, target) is not None:
        files = [Path(target)]
    else:
        files = translations_of(root, Path(target))
    changes, problems = [], []
    for path in files:
        english = english_original(root, path)
        if english is None or not english.is_file():
            continue
        new = content_hash(english.read_bytes())
        raw = path.read_bytes()
        old = recorded_hash(raw)
        if old == new:
            continue
        updated = set_translation_hash(raw, new)
        if updated is None:
            problems.append(Problem(display_path(path), 1, "cannot record translation_of: the file has no "
                                    "top-level 'id:' line to put it after"))
            continue
        path.write_bytes(updated)
        changes.append(HashChange(path, old, new))
    return changes, problems
