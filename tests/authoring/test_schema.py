"""`course schema`: a JSON Schema, from the loader's own models, that accepts
every shipped file and rejects broken ones (what editors check as you type)."""
import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from course.content_cli import course_cli
from course.content.schema import KINDS, lesson_format_schema
from tests.authoring.helpers import SHIPPED


def kind_of(path):
    if path.name == "course.yaml":
        return "course"
    if path.name == "module.yaml":
        return "module"
    return "quiz" if path.parent.name == "quizzes" else "lesson"


SHIPPED_FILES = sorted(SHIPPED.rglob("*.yaml"))


def load(path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


@pytest.fixture(scope="module")
def validators():
    any_kind = lesson_format_schema()
    Draft202012Validator.check_schema(any_kind)
    kinds = {kind: Draft202012Validator(lesson_format_schema(kind)) for kind in KINDS}
    return Draft202012Validator(any_kind), kinds


def test_every_shipped_file_matches_the_schema(validators):
    any_kind, kinds = validators
    assert len(SHIPPED_FILES) > 100
    for path in SHIPPED_FILES:
        data = load(path)
        assert not list(any_kind.iter_errors(data)), path
        assert not list(kinds[kind_of(path)].iter_errors(data)), path


@pytest.mark.parametrize("change", [
    lambda lesson: lesson.update(sumary="A typo"),
    lambda lesson: lesson.update(minutes="ten"),
    lambda lesson: lesson.pop("title"),
    lambda lesson: lesson.update(status="final"),
    lambda lesson: lesson["blocks"].append({"type": "paragraph", "id": "x", "body": "Hi"}),
    lambda lesson: lesson["blocks"].append({"type": "text", "id": "Not An Id", "body": "Hi"}),
    lambda lesson: lesson["blocks"].append({"type": "link", "id": "l", "url": "javascript:alert(1)", "label": "x"}),
    lambda lesson: lesson.update(title=""),
    lambda lesson: lesson.pop("learning_outcomes"),
    lambda lesson: lesson.update(learning_outcomes=[]),
], ids=["unknown key", "mistyped", "missing", "bad status", "bad block type", "bad id", "bad url", "empty",
        "no outcomes", "empty outcomes"])
def test_a_broken_lesson_is_rejected(validators, change):
    _, kinds = validators
    lesson = load(SHIPPED / "en/complaints/tactics.yaml")
    assert not list(kinds["lesson"].iter_errors(lesson))
    change(lesson)
    assert list(kinds["lesson"].iter_errors(lesson))
    assert list(validators[0].iter_errors(lesson))


def test_the_command_prints_the_schema_for_editors():
    result = CliRunner().invoke(course_cli, ["schema"])
    assert result.exit_code == 0
    assert '"$defs"' in result.output and '"Lesson"' in result.output and '"Quiz"' in result.output
    result = CliRunner().invoke(course_cli, ["schema", "--kind", "quiz"])
    assert '"Lesson"' not in result.output and '"Quiz"' in result.output
