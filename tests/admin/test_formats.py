"""The three formats: CSV (RFC 4180, spreadsheet-safe), JSON Lines, xAPI 1.0.3."""
import copy
import csv
import io
import json
import uuid

import pytest

from course.admin import formats
from course.admin.formats import XapiCatalogue, csv_chunks, jsonl_chunks, spreadsheet_safe, xapi_chunks
from course.admin.records import COLUMNS, Record
from course.content import get_content
from tests.admin import xapi_rules
from tests.admin.conftest import at


def row(**values):
    base = {
        "learner_id": 7, "name": "Zoë Łukasiewicz", "email": "zoe@example.com", "language": "pl",
        "time_zone": "Europe/Warsaw", "registered_at": at("2026-01-02 03:04:05.678"),
        "module_id": "complaints", "module_title": "Skargi i reklamacje", "lessons_completed": 5,
        "lessons_total": 5, "activities_completed": 1, "activities_total": 2, "quiz_best_score": 87.5,
        "quiz_attempts": 2, "quiz_passed": 1, "module_started_at": at("2026-02-01 10:00"),
        "module_completed_at": at("2026-02-03 11:00"), "course_completed_at": None,
        "certificate_id": None, "certificate_issued_at": None,
        "quiz_passed_at": at("2026-02-03 10:59:30.25"), "quiz_last_attempt_at": at("2026-02-03 10:59:30.25"),
    }
    base.update(values)
    return Record(**base)


def parse_csv(text):
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_has_a_header_crlf_lines_and_iso_utc_times():
    text = "".join(csv_chunks([row(), row(learner_id=8, quiz_best_score=None, quiz_attempts=0, quiz_passed=0,
                                        module_completed_at=None)]))
    assert text.startswith(",".join(COLUMNS) + "\r\n")
    assert text.count("\r\n") == 3 and "\n" not in text.replace("\r\n", "")
    header, first, second = parse_csv(text)
    record = dict(zip(header, first))
    assert record["name"] == "Zoë Łukasiewicz"
    assert record["registered_at"] == "2026-01-02T03:04:05Z"
    assert record["module_completed_at"] == "2026-02-03T11:00:00Z"
    assert record["course_completed_at"] == ""
    assert (record["quiz_best_score"], record["quiz_passed"]) == ("87.5", "true")
    assert dict(zip(header, second))["quiz_best_score"] == "" and dict(zip(header, second))["quiz_passed"] == "false"
    assert "".join(csv_chunks([row()])).encode("utf-8").decode("utf-8")  # plain UTF-8, no BOM
    assert not text.startswith("\ufeff")


def test_csv_quotes_commas_quotes_and_line_breaks_per_rfc_4180():
    name = 'Ann "the boss", Smith\nsecond line'
    text = "".join(csv_chunks([row(name=name)]))
    assert '"Ann ""the boss"", Smith\nsecond line"' in text
    assert parse_csv(text)[1][1] == name


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_neutralises_cells_a_spreadsheet_would_run(value):
    text = "".join(csv_chunks([row(name=value, module_title=value)]))
    record = dict(zip(*parse_csv(text)))
    assert record["name"] == "'" + value
    assert record["module_title"] == "'" + value


def test_spreadsheet_safe_leaves_ordinary_text_alone():
    assert spreadsheet_safe("Ada") == "Ada"
    assert spreadsheet_safe("") == ""
    assert spreadsheet_safe("a=b") == "a=b"


def test_csv_streams_in_chunks():
    chunks = list(csv_chunks(row(learner_id=i) for i in range(formats.CHUNK_ROWS * 2 + 1)))
    assert len(chunks) == 4  # header, two full chunks, the rest
    assert len(parse_csv("".join(chunks))) == formats.CHUNK_ROWS * 2 + 2


def test_jsonl_has_one_typed_object_per_line():
    text = "".join(jsonl_chunks([row(), row(learner_id=8, quiz_best_score=None, quiz_passed=0)]))
    lines = text.splitlines()
    assert len(lines) == 2 and text.endswith("\n")
    first = json.loads(lines[0])
    assert list(first) == list(COLUMNS)
    assert first["quiz_best_score"] == 87.5 and first["quiz_passed"] is True
    assert first["registered_at"] == "2026-01-02T03:04:05Z" and first["course_completed_at"] is None
    assert first["name"] == "Zoë Łukasiewicz"
    second = json.loads(lines[1])
    assert second["quiz_best_score"] is None and second["quiz_passed"] is False


@pytest.fixture
def catalogue(in_app):
    return XapiCatalogue.build(get_content(), "http://aula.test/")


def statements_of(rows, catalogue):
    return json.loads("".join(xapi_chunks(rows, catalogue)))


def test_xapi_statements_follow_the_1_0_3_rules(catalogue):
    rows = [row(), row(learner_id=8, quiz_passed=0, module_completed_at=None, quiz_best_score=40),
            row(learner_id=9, quiz_attempts=0, quiz_best_score=None, quiz_passed=0, module_completed_at=None)]
    statements = statements_of(rows, catalogue)
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in statements] == ["completed", "passed", "failed"]
    for statement in statements:
        assert xapi_rules.problems(statement) == []
    completed, passed, failed = statements
    assert completed["actor"] == {"objectType": "Agent", "account": {"homePage": "http://aula.test", "name": "7"}}
    assert completed["object"]["id"] == "http://aula.test/xapi/modules/complaints"
    assert set(completed["object"]["definition"]["name"]) == {"it", "es", "pl", "en"}
    assert completed["object"]["definition"]["name"]["en"] == "Complaints"
    assert completed["timestamp"] == "2026-02-03T11:00:00.000Z"
    assert completed["result"]["completion"] is True
    assert passed["object"]["id"] == "http://aula.test/xapi/modules/complaints/quizzes/complaints-final"
    assert passed["result"] == {"completion": True, "success": True,
                                "score": {"scaled": 0.875, "raw": 87.5, "min": 0, "max": 100}}
    assert passed["timestamp"] == "2026-02-03T10:59:30.250Z"
    assert passed["context"]["contextActivities"]["parent"][0]["id"] == completed["object"]["id"]
    assert failed["result"]["success"] is False and failed["result"]["score"]["raw"] == 40
    assert set(failed["verb"]["display"]) == {"it", "es", "pl", "en"}
    assert failed["context"]["language"] == "pl"


def test_xapi_statement_ids_are_stable_and_distinct(catalogue):
    first = statements_of([row()], catalogue)
    again = statements_of([row(quiz_best_score=100)], catalogue)
    assert [s["id"] for s in first] == [s["id"] for s in again]
    assert len({s["id"] for s in first}) == 2
    other = statements_of([row(learner_id=70)], catalogue)
    assert not {s["id"] for s in first} & {s["id"] for s in other}
    assert all(uuid.UUID(s["id"]).version == 5 for s in first)


def test_xapi_output_is_a_json_array_even_when_empty(catalogue):
    assert statements_of([], catalogue) == []
    assert statements_of([row(quiz_attempts=0, module_completed_at=None)], catalogue) == []


def test_the_xapi_checker_catches_broken_statements(catalogue):
    good = statements_of([row()], catalogue)[1]
    assert xapi_rules.problems(good) == []
    breakages = {
        "id": lambda s: s.update(id="not-a-uuid"),
        "actor": lambda s: s["actor"].update(mbox="mailto:a@example.com"),
        "account": lambda s: s["actor"]["account"].update(homePage="aula"),
        "objectType": lambda s: s["actor"].update(objectType="Group"),
        "verb": lambda s: s["verb"].update(id="passed"),
        "display": lambda s: s["verb"].update(display={"english language": "passed"}),
        "object": lambda s: s["object"].update(id="quiz 1"),
        "name": lambda s: s["object"]["definition"].update(name="Quiz"),
        "scaled": lambda s: s["result"]["score"].update(scaled=1.5),
        "raw": lambda s: s["result"]["score"].update(raw=101),
        "success": lambda s: s["result"].update(success="yes"),
        "timestamp": lambda s: s.update(timestamp="3 Feb 2026"),
        "version": lambda s: s.update(version="2.0.0"),
        "unknown": lambda s: s.update(grade="A"),
        "missing": lambda s: s.pop("verb"),
    }
    for name, breakage in breakages.items():
        broken = copy.deepcopy(good)
        breakage(broken)
        assert xapi_rules.problems(broken), name


@pytest.mark.parametrize("value, second, milli", [
    (at("2026-01-02 03:04:05.678"), "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.678Z"),
    (at("2026-01-02 03:04:05").replace(tzinfo=None), "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.000Z"),
    ("2026-01-02 03:04:05.678901", "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.678Z"),  # SQLite's text
    ("2026-01-02 03:04:05", "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.000Z"),
    (None, None, None),
])
def test_times_from_either_driver_become_the_same_iso_text(value, second, milli):
    assert formats.iso(value) == second
    assert formats.iso_ms(value) == milli


def test_raw_driver_times_and_typed_times_give_the_same_export(in_app, make_user, add, specs):
    from course.admin.records import completion_rows
    from course.models import ModuleCompletion

    ada = make_user(email="ada@example.com")
    add(ModuleCompletion(user_id=ada, module_id="complaints", completed_at=at("2026-03-03 12:00:01.5")))
    typed = "".join(csv_chunks(completion_rows(specs)))
    raw = "".join(csv_chunks(completion_rows(specs, raw_times=True)))
    assert typed == raw and "2026-03-03T12:00:01Z" in raw
