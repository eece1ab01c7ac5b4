"""`flask --app app course ...` as an instructor runs it: a real process,
exit codes 0/1, one `path:line: message` per problem, never a traceback,
and it works while the app itself refuses to start.

The first two tests start the real `flask` command (the CLI plugin found
through its entry point, the app not started); the others, and the app that
refuses the broken course, run in this process, the commands with click's
runner (exit codes, stdout and stderr apart), since each process start costs
about 2 s of CPU."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from course.config import PROJECT_ROOT
from course.content import ContentError
from course.content_cli import course_cli
from course.content.hashes import fix_hashes
from tests.authoring.helpers import edit, line_of, shown
from tests.conftest import make_app

FLASK = Path(sys.executable).parent / "flask"


def flask(*args, env=None):
    environment = {**os.environ, **(env or {})}
    environment.pop("FLASK_APP", None)
    result = subprocess.run([str(FLASK), "--app", "app", *args], cwd=PROJECT_ROOT, env=environment,
                            capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result


def course(*args):
    """`flask course ARGS` in this process: the same command group, without a process start."""
    result = CliRunner().invoke(course_cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    result.returncode = result.exit_code
    return result


@pytest.fixture
def clean_copy(course_copy):
    """The copy with every translation hash up to date: no warnings at all."""
    fix_hashes(course_copy)
    return course_copy


def test_a_valid_course_exits_0(clean_copy):
    result = flask("course", "validate", str(clean_copy))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "The course is valid." in result.stderr


def test_broken_content_exits_1_with_one_line_per_problem_even_though_the_app_cannot_start(clean_copy, tmp_path):
    path = clean_copy / "en/external-customers/customer-vs-consumer.yaml"
    line = line_of(path, "minutes:")
    edit(path, "minutes: ", "minutes: fifteen #")
    parity = clean_copy / "pl/complaints/module.yaml"
    (clean_copy / "pl/complaints/tactics.yaml").unlink()
    # With no PATH, CONTENT_DIR is checked, as the app would load it.
    result = flask("course", "validate", env={"CONTENT_DIR": str(clean_copy)})
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"{shown(path)}:{line}: 'minutes' must be a whole number, not 'fifteen'" in lines
    assert any(item.startswith(f"{shown(parity)}:{line_of(parity, '  - tactics')}: lesson 'tactics' has no Polish file")
               for item in lines)
    assert all(":" in item.split(" ")[0] for item in lines)
    assert "2 problem(s) found" in result.stderr
    with pytest.raises(ContentError) as refused:  # the app on that folder refuses to start
        make_app(tmp_path / "aula.sqlite3", CONTENT_DIR=str(clean_copy))
    assert f"{shown(path)}:{line}: 'minutes' must be a whole number, not 'fifteen'" in str(refused.value).splitlines()


def test_one_file_with_a_python_tag_exits_1(clean_copy):
    path = clean_copy / "es/complaints/tactics.yaml"
    line = line_of(path, "summary:")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = 'summary: !!python/object/apply:os.system ["echo pwned"]\n'
    path.write_text("".join(lines), encoding="utf-8")
    result = course("validate", str(path))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{shown(path)}:{line}: the YAML tag '!!python/object/apply:os.system' is not allowed "
        "(content files hold plain text, numbers, lists and mappings)"]
    assert "pwned" not in result.stdout + result.stderr


def test_warnings_alone_exit_0_and_fix_hashes_clears_them(clean_copy):
    english = clean_copy / "en/complaints/tactics.yaml"
    edit(english, "title: The TACTICS process", "title: The TACTICS process, step by step")
    result = course("validate", str(clean_copy))
    assert result.returncode == 0
    stale = [item for item in result.stdout.splitlines() if ": warning: may be out of date:" in item]
    assert len(stale) == 3
    assert "(3 warning(s))" in result.stderr
    polish = clean_copy / "pl/complaints/tactics.yaml"
    result = course("validate", "--fix-hashes", str(polish))
    assert result.returncode == 0
    assert f"{shown(polish)}: translation_of:" in result.stderr
    assert result.stdout == ""
    result = course("validate", str(clean_copy))
    assert len(result.stdout.splitlines()) == 2 and "pl/complaints" not in result.stdout


def test_a_missing_path_is_a_usage_error(tmp_path):
    result = course("validate", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_course_schema_prints_json_schema():
    result = course("schema", "--kind", "lesson")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "Lesson" in schema["$defs"]
