"""A copy of the shipped course broken in one way at a time: the validator
names the right file and line, and the app refuses to start with the same
messages (or, for a translation out of step with English, starts anyway)."""
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from course.content import ContentError
from tests.authoring.helpers import edit, insert_after, line_of, shown
from tests.conftest import make_app
from course.content.validate import validate_path


@dataclass
class Expected:
    path: Path
    line: int
    message: str          # the start of the message, after "path:line: "
    level: str = "error"  # or "parity"

    def __str__(self):
        return f"{shown(self.path)}:{self.line}: {self.message}"


# -- the ways to break it ------------------------------------------------------

def yaml_syntax_error(root):
    path = root / "en/complaints/tactics.yaml"
    edit(path, "title: The TACTICS process", "title: The TACTICS process: a guide")
    return [Expected(path, 2, "YAML syntax error: mapping values are not allowed in this context (if a text on "
                              "this line contains ': ', put the whole text in quotes")]


def tab_indentation(root):
    path = root / "it/complaints/tactics.yaml"
    line = line_of(path, "    id: tactics-steps")
    edit(path, "    id: tactics-steps", "\tid: tactics-steps")
    return [Expected(path, line, "YAML syntax error:")]


def unknown_key(root):
    path = root / "pl/complaints/tactics.yaml"
    line = insert_after(path, "title:", "sumary: Siedem kroków")
    return [Expected(path, line, "unknown key 'sumary' (did you mean 'summary'?)")]


def unknown_key_in_prompt(root):
    path = root / "en/external-customers/delivering-excellent-service.yaml"
    first = line_of(path, "- id: situation")
    line = line_of(path, "label:", start=first)
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    text[line - 1] = text[line - 1].replace("label:", "lable:", 1)
    path.write_text("".join(text), encoding="utf-8")
    return [Expected(path, line, "unknown key 'lable' (did you mean 'label'?)"),
            Expected(path, first, "missing required field 'label'")]


def unknown_block_type(root):
    path = root / "es/external-customers/customer-vs-consumer.yaml"
    line = line_of(path, "  - type: text")
    edit(path, "  - type: text", "  - type: paragraph")
    return [Expected(path, line, "unknown block type 'paragraph'; use one of: text, list, details")]


def missing_field(root):
    path = root / "en/external-customers/john-lewis-partnership-case-study.yaml"
    block = line_of(path, "  - type: quiz")
    edit(path, "    quiz: john-lewis\n", "")
    return [Expected(path, block, "missing required field 'quiz'")]


def missing_top_level_field(root):
    path = root / "it/complaints/tactics.yaml"
    minutes = line_of(path, "minutes:")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[minutes - 1]
    path.write_text("".join(lines), encoding="utf-8")
    return [Expected(path, 1, "missing required field 'minutes'")]


def lesson_without_outcomes(root):
    path = root / "en/customer-needs/is-service-good-enough.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("learning_outcomes:\n"), text.index("blocks:\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    return [Expected(path, 1, "missing required field 'learning_outcomes'")]


def lesson_with_empty_outcomes(root):
    path = root / "pl/external-customers/customer-vs-consumer.yaml"
    text = path.read_text(encoding="utf-8")
    line = line_of(path, "learning_outcomes:")
    start, end = text.index("learning_outcomes:\n"), text.index("blocks:\n")
    path.write_text(text[:start] + "learning_outcomes: []\n" + text[end:], encoding="utf-8")
    return [Expected(path, line, "'learning_outcomes' must not be empty")]


def mistyped_field(root):
    path = root / "en/complaints/tactics.yaml"
    line = line_of(path, "minutes:")
    edit(path, "minutes: 15", "minutes: fifteen")
    return [Expected(path, line, "'minutes' must be a whole number, not 'fifteen'")]


def mistyped_flag(root):
    path = root / "pl/external-customers/delivering-excellent-service.yaml"
    line = line_of(path, "required: true", start=line_of(path, "id: face-to-face"))
    edit(path, "required: true", "required: maybe")
    return [Expected(path, line, "'required' must be true or false, not 'maybe'")]


def duplicate_block_id(root):
    path = root / "en/external-customers/customer-vs-consumer.yaml"
    first = line_of(path, "id: fine-line")
    line = line_of(path, "id: definitions")
    edit(path, "id: definitions", "id: fine-line")
    return [Expected(path, line, f"duplicate block id 'fine-line' (first on line {first})")]


def duplicate_lesson_id(root):
    original = root / "en/complaints/tactics.yaml"
    copy = root / "en/external-customers/tactics.yaml"
    shutil.copy(original, copy)
    return [Expected(copy, 1, f"duplicate lesson id 'tactics' (also in {shown(original)})")]


def duplicate_question_id(root):
    path = root / "en/external-customers/quizzes/john-lewis.yaml"
    first = line_of(path, "- id: q1")
    line = line_of(path, "- id: q2")
    edit(path, "- id: q2", "- id: q1")
    return [Expected(path, line, f"duplicate question id 'q1' (first on line {first})")]


def duplicate_option_id(root):
    path = root / "es/external-customers/quizzes/john-lewis.yaml"
    question = line_of(path, "- id: q1")
    first = line_of(path, "- id: a", start=question)
    line = line_of(path, "- id: b", start=question)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = lines[line - 1].replace("- id: b", "- id: a")
    path.write_text("".join(lines), encoding="utf-8")
    return [Expected(path, line, f"duplicate option id 'a' in question 'q1' (first on line {first})")]


def module_listed_twice(root):
    path = root / "en/course.yaml"
    first = line_of(path, "  - complaints")
    line = insert_after(path, "  - service-relationships", "  - complaints")
    return [Expected(path, line, f"module 'complaints' is listed twice (first on line {first})")]


def dangling_module(root):
    path = root / "en/course.yaml"
    line = insert_after(path, "  - service-relationships", "  - marketing")
    return [Expected(path, line, "module 'marketing' does not exist")]


def dangling_lesson(root):
    path = root / "es/complaints/module.yaml"
    line = insert_after(path, "  - tactics", "  - tactic")
    return [Expected(path, line, "lesson 'tactic' does not exist (did you mean 'tactics'?)")]


def dangling_quiz(root):
    path = root / "pl/external-customers/john-lewis-partnership-case-study.yaml"
    line = line_of(path, "quiz: john-lewis")
    edit(path, "quiz: john-lewis", "quiz: john-lewes")
    return [Expected(path, line, "quiz 'john-lewes' does not exist (did you mean 'john-lewis'?)")]


def dangling_final_quiz(root):
    path = root / "en/complaints/module.yaml"
    line = line_of(path, "final_quiz:")
    edit(path, "final_quiz: complaints-final", "final_quiz: complaints-exam")
    return [Expected(path, line, "quiz 'complaints-exam' does not exist")]


def empty_text(root):
    path = root / "en/complaints/tactics.yaml"
    line = line_of(path, "title:")
    edit(path, "title: The TACTICS process", 'title: "  "')
    return [Expected(path, line, "'title' must not be empty")]


def empty_list_item(root):
    path = root / "it/complaints/tactics.yaml"
    steps = line_of(path, "id: tactics-steps")
    item = line_of(path, "      - ", start=steps)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[item - 1] = '      - ""\n'
    path.write_text("".join(lines), encoding="utf-8")
    return [Expected(path, item, "item 1 of 'items' must not be empty")]


def oversized_file(root):
    path = root / "en/complaints/tactics.yaml"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(("# " + "x" * 78 + "\n") * 4000)
    return [Expected(path, 1, f"the file is {path.stat().st_size // 1024} KiB; the limit is 256 KiB")]


def not_utf8(root):
    path = root / "es/complaints/tactics.yaml"
    line = line_of(path, "title:")
    raw = path.read_bytes().splitlines(keepends=True)
    raw[line - 1] = "title: El proceso TÁCTICS\n".encode("latin-1")
    path.write_bytes(b"".join(raw))
    return [Expected(path, line, "the file is not UTF-8 text (save it as UTF-8)")]


def python_tag(root):
    path = root / "en/complaints/tactics.yaml"
    marker = root.parent / "executed"
    line = line_of(path, "summary:")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = f'summary: !!python/object/apply:os.system ["touch {marker}"]\n'
    path.write_text("".join(lines), encoding="utf-8")
    return [Expected(path, line, "the YAML tag '!!python/object/apply:os.system' is not allowed")]


def anchors(root):
    path = root / "en/complaints/tactics.yaml"
    edit(path, "title: The TACTICS process", "title: &t The TACTICS process")
    line = line_of(path, "summary:")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = "summary: *t\n"
    path.write_text("".join(lines), encoding="utf-8")
    return [Expected(path, line, "YAML anchors and aliases (&name, *name, <<) are not allowed")]


def id_not_matching_file(root):
    path = root / "en/complaints/tactics.yaml"
    edit(path, "id: tactics", "id: tactics-process")
    return [Expected(path, 1, "the lesson id 'tactics-process' must match its file name 'tactics'")]


def bad_id(root):
    path = root / "en/complaints/tactics.yaml"
    line = line_of(path, "id: tactics-steps")
    edit(path, "id: tactics-steps", "id: Tactics Steps")
    return [Expected(path, line, "'Tactics Steps' is not a valid id")]


def wrong_correct_count(root):
    path = root / "en/external-customers/quizzes/john-lewis.yaml"
    question = line_of(path, "- id: q1")
    option_a = line_of(path, "- id: a", start=question)
    insert_after(path, "- id: a", "        correct: true")
    return [Expected(path, question, "item 1 of 'questions': a single-choice question needs exactly one correct option")]
    del option_a


# -- translations out of step with English (parity) ---------------------------

def lesson_missing_in_one_language(root):
    (root / "pl/complaints/tactics.yaml").unlink()
    listing = root / "pl/complaints/module.yaml"
    return [Expected(listing, line_of(listing, "  - tactics"), "lesson 'tactics' has no Polish file", "parity")]


def module_missing_in_one_language(root):
    shutil.rmtree(root / "it/service-relationships")
    edit(root / "it/course.yaml", "  - service-relationships\n", "")
    course = root / "it/course.yaml"
    last = line_of(course, "  - complaints")
    return [Expected(course, last, "module 'service-relationships' is missing: English has it at "
                                   f"{shown(root / 'en/course.yaml')}:8", "parity")]


def blocks_in_another_order(root):
    path = root / "it/external-customers/customer-vs-consumer.yaml"
    first = line_of(path, "id: fine-line")
    edit(path, "id: fine-line", "id: PLACEHOLDER")
    edit(path, "id: definitions", "id: fine-line")
    edit(path, "id: PLACEHOLDER", "id: definitions")
    english = root / "en/external-customers/customer-vs-consumer.yaml"
    return [Expected(path, first, f"blocks are in a different order than in English ({shown(english)}:"
                                  f"{line_of(english, 'id: fine-line')}): expected 'fine-line' here, found 'definitions'",
                     "parity")]


def block_missing(root):
    path = root / "es/external-customers/customer-vs-consumer.yaml"
    line = line_of(path, "id: why-it-matters")
    edit(path, "id: why-it-matters", "id: why-matters")
    english = root / "en/external-customers/customer-vs-consumer.yaml"
    return [Expected(path, line, f"block 'why-it-matters' is missing: English has it at {shown(english)}:"
                                 f"{line_of(english, 'id: why-it-matters')}", "parity"),
            Expected(path, line, "block 'why-matters' is not in English", "parity")]


def block_of_another_type(root):
    path = root / "pl/external-customers/customer-vs-consumer.yaml"
    line = line_of(path, "  - type: text")
    edit(path, "  - type: text\n    id: fine-line\n", "  - type: details\n    id: fine-line\n    summary: Kliknij\n")
    english = root / "en/external-customers/customer-vs-consumer.yaml"
    return [Expected(path, line, f"block 'fine-line' is a details block here but a text block in English "
                                 f"({shown(english)}:{line_of(english, '  - type: text')})", "parity")]


def prompt_missing(root):
    path = root / "it/external-customers/delivering-excellent-service.yaml"
    line = line_of(path, "- id: why-not")
    edit(path, "- id: why-not", "- id: why-no")
    return [Expected(path, line, "prompt 'why-not' is missing: English has it at", "parity"),
            Expected(path, line, "prompt 'why-no' is not in English", "parity")]


def question_of_another_type(root):
    path = root / "pl/external-customers/quizzes/john-lewis.yaml"
    question = line_of(path, "- id: q1")
    line = line_of(path, "type: single", start=question)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = lines[line - 1].replace("single", "multiple")
    path.write_text("".join(lines), encoding="utf-8")
    return [Expected(path, line, "question 'q1' is of type 'multiple' here but 'single' in English", "parity")]


def different_correct_answer(root):
    path = root / "it/external-customers/quizzes/john-lewis.yaml"
    question = line_of(path, "- id: q1")
    correct = line_of(path, "correct: true", start=question)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[correct - 1]
    path.write_text("".join(lines), encoding="utf-8")
    option_a = line_of(path, "- id: a", start=question)
    insert_after_line(path, option_a, "        correct: true")
    english = root / "en/external-customers/quizzes/john-lewis.yaml"
    en_a = line_of(english, "- id: a", start=line_of(english, "- id: q1"))
    return [Expected(path, option_a, f"question 'q1': the correct answer is 'a' here but 'b' in English "
                                     f"({shown(english)}:{en_a})", "parity")]


def question_missing(root):
    path = root / "es/external-customers/quizzes/john-lewis.yaml"
    line = line_of(path, "- id: q2")
    edit(path, "- id: q2", "- id: q-two")
    return [Expected(path, line, "question 'q2' is missing: English has it at", "parity")]


def different_link(root):
    path = root / "es/external-customers/john-lewis-partnership-case-study.yaml"
    line = line_of(path, "healthy-lifestyles.html")
    edit(path, "healthy-lifestyles.html", "healthy-living.html")
    return [Expected(path, line, "the url of link 'healthy-lifestyles-page' is "
                                 "'http://www.johnlewispartnership.co.uk/csr/our-customers/healthy-living.html' here",
                     "parity")]


def lesson_only_in_translation(root):
    extra = root / "pl/complaints/extra-practice.yaml"
    shutil.copy(root / "pl/complaints/tactics.yaml", extra)
    edit(extra, "id: tactics", "id: extra-practice")
    listing = root / "pl/complaints/module.yaml"
    line = insert_after(listing, "  - tactics", "  - extra-practice")
    return [Expected(listing, line, "lesson 'extra-practice' is not in English", "parity"),
            Expected(extra, 1, "lesson 'extra-practice' is not in English: every lesson needs its English original",
                     "parity")]


def quiz_missing_in_one_language(root):
    (root / "pl/external-customers/quizzes/john-lewis.yaml").unlink()
    lesson = root / "pl/external-customers/john-lewis-partnership-case-study.yaml"
    return [Expected(lesson, line_of(lesson, "quiz: john-lewis"), "quiz 'john-lewis' has no Polish file", "parity")]


def option_missing(root):
    path = root / "es/external-customers/quizzes/john-lewis.yaml"
    question = line_of(path, "- id: q1")
    line = line_of(path, "- id: d", start=question)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = lines[line - 1].replace("- id: d", "- id: e")
    path.write_text("".join(lines), encoding="utf-8")
    return [Expected(path, line, "option 'd' is missing: English has it at", "parity"),
            Expected(path, line, "option 'e' is not in English", "parity")]


def status_differs(root):
    path = root / "it/complaints/tactics.yaml"
    line = line_of(path, "status:")
    edit(path, "status: published", "status: draft")
    return [Expected(path, line, "status is 'draft' here but 'published' in English", "parity")]


def insert_after_line(path: Path, number: int, new_line: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(number, new_line + "\n")
    path.write_text("".join(lines), encoding="utf-8")


ERRORS = [
    yaml_syntax_error, tab_indentation, unknown_key, unknown_key_in_prompt, unknown_block_type, missing_field,
    missing_top_level_field, lesson_without_outcomes, lesson_with_empty_outcomes, mistyped_field, mistyped_flag, duplicate_block_id, duplicate_lesson_id,
    duplicate_question_id, duplicate_option_id, module_listed_twice, dangling_module, dangling_lesson,
    dangling_quiz, dangling_final_quiz, empty_text, empty_list_item, oversized_file, not_utf8, python_tag,
    anchors, id_not_matching_file, bad_id, wrong_correct_count,
]
PARITY = [
    lesson_missing_in_one_language, module_missing_in_one_language, blocks_in_another_order, block_missing,
    block_of_another_type, prompt_missing, question_of_another_type, different_correct_answer, question_missing,
    different_link, lesson_only_in_translation, quiz_missing_in_one_language, option_missing, status_differs,
]


def _found(problems, expected: Expected) -> bool:
    return any(str(p).startswith(str(expected)) and p.level == expected.level for p in problems)


@pytest.mark.parametrize("breaker", ERRORS, ids=lambda f: f.__name__)
def test_error_named_with_file_and_line_and_the_app_refuses_to_start(breaker, course_copy, db_path):
    expected = breaker(course_copy)
    problems = validate_path(course_copy, git_hints=False)
    for item in expected:
        assert _found(problems, item), f"expected {item}\nfound:\n" + "\n".join(str(p) for p in problems if p.level != "warning")
    with pytest.raises(ContentError) as raised:
        make_app(db_path, CONTENT_DIR=str(course_copy))
    errors = [str(p) for p in problems if p.level == "error"]
    assert sorted(str(p) for p in raised.value.problems) == sorted(errors)
    for item in expected:
        assert str(item) in str(raised.value)
    assert not (course_copy.parent / "executed").exists()


@pytest.mark.parametrize("breaker", PARITY, ids=lambda f: f.__name__)
def test_translation_out_of_step_is_named_but_the_app_starts(breaker, course_copy, db_path):
    expected = breaker(course_copy)
    problems = validate_path(course_copy, git_hints=False)
    for item in expected:
        assert _found(problems, item), f"expected {item}\nfound:\n" + "\n".join(str(p) for p in problems if p.level != "warning")
    assert not [p for p in problems if p.level == "error"], "\n".join(map(str, problems))
    app = make_app(db_path, CONTENT_DIR=str(course_copy))
    assert app.extensions["aula.content"].course("pl").modules


def test_the_shipped_course_is_valid():
    from tests.authoring.helpers import SHIPPED

    problems = validate_path(SHIPPED, git_hints=False)
    assert not [p for p in problems if p.level != "warning"], "\n".join(map(str, problems))
