"""`course validate`: every problem in a content folder or a single file."""
from pathlib import Path

from . import models as m
from .loader import parse_content, validate_model
from .yamlsource import Problem, read_yaml


def validate_path(target: Path) -> list[Problem]:
    if target.is_dir():
        _, problems = parse_content(target)
        return problems
    return validate_file(target)


def _model_for(path: Path):
    if path.name == "course.yaml":
        return m.CourseFile
    if path.name == "module.yaml":
        return m.Module
    if path.parent.name == "quizzes":
        return m.Quiz
    return m.Lesson


def validate_file(path: Path) -> list[Problem]:
    """Check one file on its own (its syntax, keys, fields and ids)."""
    problems: list[Problem] = []
    source = read_yaml(path, str(path), problems)
    if source is None:
        return problems
    item = validate_model(_model_for(path), source, problems)
    if item is not None and path.name not in ("course.yaml", "module.yaml") and item.id != path.stem:
        problems.append(Problem(str(path), source.line_of(("id",)), f"the id '{item.id}' must match the file name '{path.stem}'"))
    return problems


__all__ = ["validate_path", "validate_file"]
