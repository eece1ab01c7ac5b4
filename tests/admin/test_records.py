"""Completion records from one query: the numbers, the filters, and their checks."""
from datetime import date

import pytest

from course.admin.filters import FilterError, Filters, check_filters
from course.admin.records import Record, completion_rows
from course.models import LessonProgress, ModuleCompletion, QuizAttempt, ReflectionAnswer
from tests.admin.conftest import at

M1 = "external-customers"
PROMPTS = ("kind", "situation", "behaviours", "expectations", "why-not", "different")


def _attempt(user_id, quiz_id, score, passed, when, module_id=M1):
    return QuizAttempt(user_id=user_id, module_id=module_id, quiz_id=quiz_id, lang="it",
                       submission_token=f"{quiz_id}-{when}", score=score, passed=passed,
                       question_count=8, correct_count=int(score // 12.5), submitted_at=at(when))


@pytest.fixture
def scenario(make_user, add):
    ada = make_user(email="ada@example.com", name="Ada", lang="it", timezone="Europe/Rome")
    bob = make_user(email="bob@example.com", name="Bob", lang="pl")
    make_user(email="boss@example.com", role="admin")
    make_user(email="teacher@example.com", role="instructor")
    lesson = lambda lid, opened, done=None: LessonProgress(  # noqa: E731
        user_id=ada, module_id=M1, lesson_id=lid, first_opened_at=at(opened), last_opened_at=at(opened),
        completed_at=at(done) if done else None)
    answer = lambda exercise, prompt, text: ReflectionAnswer(  # noqa: E731
        user_id=ada, module_id=M1, lesson_id="delivering-excellent-service", exercise_id=exercise,
        prompt_id=prompt, text=text)
    add(
        lesson("service-starts-with-people", "2026-03-01 09:00", "2026-03-01 09:30"),
        lesson("customer-vs-consumer", "2026-03-01 10:00", "2026-03-01 10:20"),
        lesson("internal-and-external-customers", "2026-03-01 11:00"),
        lesson("a-lesson-no-longer-in-the-course", "2026-02-01 11:00", "2026-02-01 11:30"),
        *[answer("face-to-face", p, "My answer") for p in PROMPTS],
        *[answer("telephone", p, "My answer") for p in PROMPTS[:-1]],
        answer("telephone", PROMPTS[-1], "   "),
        answer("face-to-face", "a-prompt-no-longer-there", "Old"),
        _attempt(ada, "john-lewis", 40, False, "2026-02-28 08:00"),
        _attempt(ada, "external-customers-final", 60, False, "2026-03-02 10:00"),
        _attempt(ada, "external-customers-final", 90, True, "2026-03-03 10:00"),
        _attempt(ada, "external-customers-final", 85, True, "2026-03-04 10:00"),
        ModuleCompletion(user_id=ada, module_id=M1, completed_at=at("2026-03-03 12:00")),
    )
    return {"ada": ada, "bob": bob}


def rows(specs, filters=Filters(), **kw):
    return [r._asdict() for r in completion_rows(specs, filters, **kw)]


def test_the_rows_carry_the_record_names_in_order(in_app, specs):
    from course.admin.records import completion_query

    for filters in (Filters(), Filters(module="no-such-module")):
        assert tuple(c.name for c in completion_query(specs, filters).selected_columns) == Record._fields


def test_one_row_per_learner_and_module_with_counts_from_the_database(in_app, specs, scenario):
    result = rows(specs)
    assert [(r["learner_id"], r["module_id"]) for r in result] == [
        (scenario[name], s.id) for name in ("ada", "bob") for s in specs]
    ada = result[0]
    assert ada["name"] == "Ada" and ada["email"] == "ada@example.com"
    assert ada["language"] == "it" and ada["time_zone"] == "Europe/Rome"
    assert ada["module_title"] == "Clienti esterni"
    assert (ada["lessons_completed"], ada["lessons_total"]) == (2, 8)
    # face-to-face answered in full and the case-study quiz tried; telephone has a blank answer,
    # and the self-check of the key-points lesson is not tried yet
    assert (ada["activities_completed"], ada["activities_total"]) == (2, 4)
    assert (ada["quiz_best_score"], ada["quiz_attempts"], ada["quiz_passed"]) == (90, 3, 1)
    assert ada["module_started_at"] == at("2026-02-28 08:00")  # the case-study quiz came first
    assert ada["module_completed_at"] == at("2026-03-03 12:00")
    assert ada["quiz_passed_at"] == at("2026-03-03 10:00")
    assert ada["quiz_last_attempt_at"] == at("2026-03-04 10:00")
    assert ada["course_completed_at"] is None
    later = result[1]
    assert later["module_id"] == "customer-needs"
    assert (later["lessons_completed"], later["activities_completed"], later["quiz_attempts"]) == (0, 0, 0)
    assert later["quiz_best_score"] is None and later["module_started_at"] is None
    bob = result[4]
    assert bob["module_title"] == "Klienci zewnętrzni" and bob["quiz_passed"] == 0


def test_totals_come_from_the_loaded_course(in_app, specs, scenario):
    by_module = {r["module_id"]: r for r in rows(specs) if r["learner_id"] == scenario["bob"]}
    for spec in specs:
        assert by_module[spec.id]["lessons_total"] == len(spec.lessons)
        assert by_module[spec.id]["activities_total"] == spec.activities_total
    assert by_module["complaints"]["activities_total"] == 3  # two reflections and the self-check quiz


def test_staff_accounts_have_no_records(in_app, specs, scenario, db_rows):
    learner_count = db_rows("SELECT count(*) FROM users WHERE role = 'learner'")
    assert len(rows(specs)) == learner_count * len(specs) == 8


def test_filter_by_module_and_language(in_app, specs, scenario):
    only = rows(specs, Filters(module="complaints"))
    assert {r["module_id"] for r in only} == {"complaints"} and len(only) == 2
    polish = rows(specs, Filters(lang="pl"))
    assert {r["learner_id"] for r in polish} == {scenario["bob"]} and len(polish) == 4


@pytest.mark.parametrize("since, until, expected", [
    (date(2026, 3, 3), date(2026, 3, 3), 1),    # both ends inclusive
    (date(2026, 3, 3), None, 1),
    (None, date(2026, 3, 3), 1),
    (date(2026, 3, 4), None, 0),
    (None, date(2026, 3, 2), 0),
])
def test_filter_by_completion_dates_inclusive(in_app, specs, scenario, since, until, expected):
    found = rows(specs, Filters(since=since, until=until))
    assert len(found) == expected
    assert all(r["module_completed_at"] is not None for r in found)


def test_rows_for_some_learners_only(in_app, specs, scenario):
    found = rows(specs, user_ids=[scenario["bob"]])
    assert {r["learner_id"] for r in found} == {scenario["bob"]}
    assert rows(specs, user_ids=[]) == []


MODULES = ("external-customers", "customer-needs", "complaints", "service-relationships")


def test_check_filters_accepts_good_values_and_blanks():
    assert check_filters(MODULES) == Filters()
    assert check_filters(MODULES, module=" complaints ", lang="pl", since="2026-01-01", until="2026-01-01") == \
        Filters("complaints", "pl", date(2026, 1, 1), date(2026, 1, 1))
    assert check_filters(MODULES, module="", lang="", since="", until="  ") == Filters()


@pytest.mark.parametrize("kwargs, field, words", [
    ({"module": "nope"}, "module", "Unknown module"),
    ({"lang": "de"}, "lang", "Unknown language"),
    ({"since": "2026-02-30"}, "since", "YYYY-MM-DD"),
    ({"until": "31/12/2026"}, "until", "YYYY-MM-DD"),
    ({"since": "20260101"}, "since", "YYYY-MM-DD"),
    ({"since": "2026-03-02", "until": "2026-03-01"}, "until", "on or after the start date"),
])
def test_check_filters_names_each_problem(in_app, kwargs, field, words):
    with pytest.raises(FilterError) as caught:
        check_filters(MODULES, **kwargs)
    assert set(caught.value.errors) == {field}
    assert words in str(caught.value.errors[field])


def test_check_filters_reports_every_problem_at_once(in_app):
    with pytest.raises(FilterError) as caught:
        check_filters(MODULES, module="x", lang="y", since="z", until="w")
    assert set(caught.value.errors) == {"module", "lang", "since", "until"}
