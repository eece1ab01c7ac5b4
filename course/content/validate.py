"""`course validate`: every problem in a content folder or a single file.

The app's start-up runs only what it needs (`loader.load_content`); this adds
the checks that are for authors: languages against English (parity) and
translations whose English original changed since (hashes).
"""
from pathlib import Path

from ..languages import DEFAULT_LANGUAGE, LANGUAGES
from . import models as m
from .hashes import check_hashes
from .loader import check_ids, display_path, parse_content, validate_model
from .parity import check_parity
from .yamlsource import Problem, read_yaml


def validate_path(target: Path, git_hints: bool = True) -> list[Problem]:
    target = Path(target)
    if target.is_dir():
        return validate_folder(target, git_hints)
    return validate_file(target, git_hints)


def validate_folder(root: Path, git_hints: bool = True) -> list[Problem]:
    """Every problem in a folder laid out like `content/`."""
    root = Path(root)
    if not root.is_dir():
        return [Problem(display_path(root), 1, "the content folder does not exist")]
    trees, problems = parse_content(root)
    problems += check_parity(root, trees)
    problems += check_hashes(root, trees, git_hints)
    return _ordered(problems)


def _ordered(problems: list[Problem]) -> list[Problem]:
    """Sorted by file and line, each problem once."""
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: (p.path, p.line))


def content_root_of(path: Path) -> Path | None:
    """The content folder a file sits in (`<root>/<lang>/...`), if any."""
    path = Path(path).resolve()
    parents = list(path.parents)
    if path.name == "course.yaml":
        candidates = parents[1:2]
    elif path.parent.name == "quizzes":
        candidates = parents[3:4]
    else:
        candidates = parents[2:3]
    for root in candidates:
        lang = path.relative_to(root).parts[0]
        if lang in LANGUAGES and (root / DEFAULT_LANGUAGE).is_dir():
            return root
    return None


def _model_for(path: Path):
    if path.name == "course.yaml":
        return m.CourseFile
    if path.name == "module.yaml":
        return m.Module
    if path.parent.name == "quizzes":
        return m.Quiz
    return m.Lesson


def validate_file(path: Path, git_hints: bool = True) -> list[Problem]:
    """One file: its syntax, keys, fields and ids; and, when it sits in a
    content folder, its references and its agreement with English."""
    path = Path(path)
    root = content_root_of(path)
    if root is None:
        return _ordered(_check_alone(path))
    shown = display_path(root / path.resolve().relative_to(root))
    problems = [p for p in validate_folder(root, git_hints) if p.path == shown]
    if not any(p.level == "error" for p in problems):
        # A problem in a file this one depends on can hide some of its checks.
        english = _english_of(root, path)
        if english is not None and english.is_file():
            broken = [p for p in _check_alone(english) if p.level == "error"]
            if broken:
                problems.append(Problem(shown, 1, f"not compared with English: {display_path(english)} has "
                                        f"{len(broken)} problem(s) of its own; validate it first", "warning"))
    return problems


def _english_of(root: Path, path: Path) -> Path | None:
    relative = path.resolve().relative_to(root.resolve())
    if relative.parts[0] == DEFAULT_LANGUAGE:
        return None
    return root / DEFAULT_LANGUAGE / Path(*relative.parts[1:])


def _check_alone(path: Path) -> list[Problem]:
    """Check one file on its own (its syntax, keys, fields and ids)."""
    problems: list[Problem] = []
    shown = display_path(path)
    source = read_yaml(path, shown, problems)
    if source is None:
        return problems
    model = _model_for(path)
    item = validate_model(model, source, problems)
    if item is None:
        return problems
    check_ids(item, source, problems)
    if model is m.Module and item.id != path.parent.name:
        problems.append(Problem(shown, source.line_of(("id",)), f"the module id '{item.id}' must match its folder name '{path.parent.name}'"))
    elif model in (m.Lesson, m.Quiz) and item.id != path.stem:
        kind = "lesson" if model is m.Lesson else "quiz"
        problems.append(Problem(shown, source.line_of(("id",)), f"the {kind} id '{item.id}' must match its file name '{path.stem}'"))
    return problems


__all__ = ["validate_path", "validate_folder", "validate_file", "content_root_of"]
