"""`course validate FILE`: one file, and its place in the course around it."""
import shutil

from course.content.validate import content_root_of, validate_path
from tests.authoring.helpers import edit, line_of, shown


def errors(path):
    return [str(p) for p in validate_path(path, git_hints=False) if p.level != "warning"]


def test_a_valid_file_in_the_course_has_no_errors(course_copy):
    for path in ("pl/complaints/tactics.yaml", "it/external-customers/quizzes/john-lewis.yaml",
                 "es/customer-needs/module.yaml", "en/course.yaml"):
        assert errors(course_copy / path) == [], path


def test_only_the_files_own_problems_are_shown(course_copy):
    other = course_copy / "es/complaints/tactics.yaml"
    edit(other, "minutes: 15", "minutes: fifteen")
    target = course_copy / "pl/complaints/tactics.yaml"
    assert errors(target) == []
    assert errors(other) == [f"{shown(other)}:{line_of(other, 'minutes:')}: 'minutes' must be a whole number, not 'fifteen'"]


def test_references_are_checked_when_the_file_is_in_a_content_folder(course_copy):
    path = course_copy / "pl/external-customers/john-lewis-partnership-case-study.yaml"
    line = line_of(path, "quiz: john-lewis")
    edit(path, "quiz: john-lewis", "quiz: john-lewes")
    assert f"{shown(path)}:{line}: quiz 'john-lewes' does not exist (did you mean 'john-lewis'?)" in errors(path)


def test_parity_with_english_is_checked_for_a_translation(course_copy):
    path = course_copy / "pl/external-customers/quizzes/john-lewis.yaml"
    line = line_of(path, "type: single", start=line_of(path, "- id: q1"))
    edit(path, "    type: single", "    type: multiple")
    english = course_copy / "en/external-customers/quizzes/john-lewis.yaml"
    english_line = line_of(english, "type: single", start=line_of(english, "- id: q1"))
    assert errors(path) == [f"{shown(path)}:{line}: question 'q1' is of type 'multiple' here but 'single' in "
                            f"English ({shown(english)}:{english_line})"]


def test_a_translation_is_not_compared_with_a_broken_english_file(course_copy):
    english = course_copy / "en/complaints/tactics.yaml"
    edit(english, "minutes: 15", "minutes: fifteen")
    path = course_copy / "it/complaints/tactics.yaml"
    problems = [str(p) for p in validate_path(path, git_hints=False)]
    assert f"{shown(path)}:1: warning: not compared with English: {shown(english)} has 1 problem(s) of its own; " \
           "validate it first" in problems
    assert errors(path) == []


def test_a_file_outside_a_content_folder_is_checked_on_its_own(course_copy, tmp_path):
    alone = tmp_path / "drafts" / "john-lewis-partnership-case-study.yaml"
    alone.parent.mkdir()
    shutil.copy(course_copy / "en/external-customers/john-lewis-partnership-case-study.yaml", alone)
    assert content_root_of(alone) is None
    edit(alone, "quiz: john-lewis", "quiz: no-such-quiz")  # no course around it: not checked
    assert errors(alone) == []
    first = line_of(alone, "id: case-study-intro")
    line = line_of(alone, "id: changing-customers")
    edit(alone, "id: changing-customers", "id: case-study-intro")
    assert errors(alone) == [f"{shown(alone)}:{line}: duplicate block id 'case-study-intro' (first on line {first})"]


def test_a_quiz_file_on_its_own_is_read_as_a_quiz(tmp_path):
    quiz = tmp_path / "quizzes" / "check.yaml"
    quiz.parent.mkdir()
    quiz.write_text("id: check\ntitle: Check\nquestions:\n  - id: q1\n    type: single\n    prompt: Why?\n"
                    "    options:\n      - id: a\n        text: One\n        correct: true\n      - id: a\n"
                    "        text: Two\n", encoding="utf-8")
    assert errors(quiz) == [f"{shown(quiz)}:11: duplicate option id 'a' in question 'q1' (first on line 8)"]


def test_the_id_must_match_the_file_name(tmp_path):
    lesson = tmp_path / "my-lesson.yaml"
    lesson.write_text("id: my-lessen\ntitle: T\nsummary: S\nminutes: 5\nlearning_outcomes:\n  - Say hello.\n"
                      "blocks:\n  - type: text\n    id: a\n    body: Hello\n", encoding="utf-8")
    assert errors(lesson) == [f"{shown(lesson)}:1: the lesson id 'my-lessen' must match its file name 'my-lesson'"]
