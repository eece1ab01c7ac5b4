"""`flask export completions`: formats, filters, bad input, safe writing."""
import csv
import io
import json
import os

import pytest

from course.admin import formats
from tests.admin import xapi_rules


@pytest.fixture
def learners(make_user):
    return [make_user(email="ada@example.com", name="Ada", lang="it"),
            make_user(email="bob@example.com", name="=cmd|' /C calc'!A0", lang="pl")]


@pytest.fixture
def out_dir(tmp_path):
    """A folder of its own (tmp_path also holds the test database)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def invoke(runner, *args):
    return runner.invoke(args=["export", "completions", *args])


def test_csv_to_standard_output(runner, learners, db_rows):
    result = invoke(runner, "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = list(csv.reader(io.StringIO(result.stdout)))
    assert lines[0][0] == "learner_id" and len(lines) == 1 + 2 * 4
    assert lines[5][1] == "'=cmd|' /C calc'!A0"
    assert db_rows("SELECT count(*) FROM audit_log WHERE action = 'export'") == 1
    details = json.loads(db_rows("SELECT details FROM audit_log"))
    assert details["source"] == "cli" and details["records"] == 8 and details["output"] == "stdout"
    assert db_rows("SELECT actor_id FROM audit_log") is None


def test_filters_and_output_file(runner, learners, out_dir):
    out = out_dir / "it.jsonl"
    result = invoke(runner, "--format", "jsonl", "--lang", "it", "--module", "complaints", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "Wrote 1 records" in result.stderr
    record = json.loads(out.read_text(encoding="utf-8"))
    assert (record["name"], record["module_id"], record["module_title"]) == ("Ada", "complaints", "Reclami")
    assert [p.name for p in out_dir.iterdir()] == ["it.jsonl"]


def test_xapi_to_a_file(runner, app, learners, out_dir):
    from course.models import ModuleCompletion, QuizAttempt, utcnow
    from course.extensions import db

    with app.app_context():
        db.session.add_all([
            QuizAttempt(user_id=learners[0], module_id="complaints", quiz_id="complaints-final", lang="it",
                        submission_token="t", score=100, passed=True),
            ModuleCompletion(user_id=learners[0], module_id="complaints", completed_at=utcnow()),
        ])
        db.session.commit()
    out = out_dir / "lrs.json"
    assert invoke(runner, "--format", "xapi", "-o", str(out)).exit_code == 0
    statements = json.loads(out.read_text(encoding="utf-8"))
    assert [s["verb"]["display"]["en"] for s in statements] == ["completed", "passed"]
    assert all(xapi_rules.problems(s) == [] for s in statements)
    assert statements[0]["actor"]["account"] == {"homePage": "http://aula.test", "name": str(learners[0])}
    again = out_dir / "again.json"
    invoke(runner, "--format", "xapi", "-o", str(again))
    assert [s["id"] for s in json.loads(again.read_text())] == [s["id"] for s in statements]


@pytest.mark.parametrize("args, words", [
    (["--format", "pdf"], "'pdf' is not one of"),
    ([], "Missing option '--format'"),
    (["--format", "csv", "--module", "nope"], "--module: Unknown module “nope”. Choose one of: external-customers"),
    (["--format", "csv", "--lang", "de"], "--lang: Unknown language “de”"),
    (["--format", "csv", "--since", "2026-02-30"], "--since: Enter the date as YYYY-MM-DD"),
    (["--format", "csv", "--until", "tomorrow"], "--until: Enter the date as YYYY-MM-DD"),
    (["--format", "csv", "--since", "2026-03-02", "--until", "2026-03-01"],
     "--until: The end date must be on or after the start date."),
])
def test_bad_input_exits_2_with_a_clear_message(runner, learners, args, words, db_rows, out_dir):
    out = out_dir / "never.csv"
    result = invoke(runner, *args, "--output", str(out))
    assert result.exit_code == 2
    assert words in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert db_rows("SELECT count(*) FROM audit_log") == 0


def test_an_unwritable_folder_leaves_nothing_behind(runner, learners, out_dir, db_rows):
    missing = out_dir / "no-such-folder" / "out.csv"
    result = invoke(runner, "--format", "csv", "--output", str(missing))
    assert result.exit_code == 1
    assert f"cannot write {missing}: No such file or directory" in result.output
    assert not missing.parent.exists()
    assert db_rows("SELECT count(*) FROM audit_log") == 0


def test_a_folder_as_output_is_refused(runner, learners, out_dir):
    result = invoke(runner, "--format", "csv", "--output", str(out_dir))
    assert result.exit_code == 1 and "it is a folder" in result.output
    assert list(out_dir.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_folder_is_refused(runner, learners, out_dir):
    folder = out_dir / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = invoke(runner, "--format", "csv", "--output", str(folder / "out.csv"))
        assert result.exit_code == 1 and "Permission denied" in result.output
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_a_failure_midway_keeps_the_old_file_and_no_partial_one(runner, learners, out_dir, monkeypatch):
    out = out_dir / "records.csv"
    out.write_text("the previous export\n", encoding="utf-8")

    def failing(rows):
        yield "learner_id\r\n"
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(formats, "csv_chunks", failing)
    result = invoke(runner, "--format", "csv", "--output", str(out))
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert [p.name for p in out_dir.iterdir()] == ["records.csv"]


def test_a_new_file_replaces_the_old_in_one_step(runner, learners, out_dir):
    out = out_dir / "records.csv"
    out.write_text("old", encoding="utf-8")
    assert invoke(runner, "--format", "csv", "--output", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("learner_id,")
    assert [p.name for p in out_dir.iterdir()] == ["records.csv"]


def test_permission_denied_is_a_clear_message(runner, learners, out_dir, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = invoke(runner, "--format", "csv", "--output", str(out_dir / "out.csv"))
    assert result.exit_code == 1
    assert f"cannot write {out_dir / 'out.csv'}: Permission denied" in result.output
    assert list(out_dir.iterdir()) == []


def test_a_database_without_tables_is_a_clear_message(tmp_path, out_dir):
    from tests.conftest import make_app

    app = make_app(tmp_path / "empty.sqlite3")
    result = app.test_cli_runner().invoke(args=["export", "completions", "--format", "csv",
                                                "--output", str(out_dir / "x.csv")])
    assert result.exit_code == 1
    assert "cannot read the database: no such table" in result.output and "flask db upgrade" in result.output
    assert list(out_dir.iterdir()) == []
    with app.app_context():
        from course.extensions import db

        db.session.remove()
        db.engine.dispose()
