"""Stale translations: translation_of hashes, their warnings and --fix-hashes."""
import shutil
import subprocess
from pathlib import Path

import pytest

from course.content.hashes import content_hash, fix_hashes, recorded_hash, set_translation_hash
from tests.authoring.helpers import edit, line_of, shown
from course.content.validate import validate_path

TRANSLATIONS = ("it", "es", "pl")


def warnings_of(root):
    return [str(p) for p in validate_path(root, git_hints=False) if p.level == "warning"]


def test_the_hash_is_twelve_hex_digits_of_the_normalised_file():
    assert content_hash(b"id: a\ntitle: b\n") == content_hash(b"id: a\r\ntitle: b\r\n")
    assert len(content_hash(b"x")) == 12 and int(content_hash(b"x"), 16) >= 0
    assert content_hash(b"id: a\n") != content_hash(b"id: b\n")


def english_of(root, path):
    return root / "en" / Path(*path.relative_to(root).parts[1:])


def strip_hashes(root):
    for lang in TRANSLATIONS:
        for path in (root / lang).rglob("*.yaml"):
            lines = path.read_bytes().splitlines(keepends=True)
            path.write_bytes(b"".join(line for line in lines if not line.startswith(b"translation_of:")))


def test_fix_hashes_adds_one_line_after_the_id_and_changes_nothing_else(course_copy):
    strip_hashes(course_copy)
    originals = {path: path.read_bytes() for lang in TRANSLATIONS for path in (course_copy / lang).rglob("*.yaml")}
    english = {path: path.read_bytes() for path in (course_copy / "en").rglob("*.yaml")}
    assert len([w for w in warnings_of(course_copy) if "no translation_of hash" in w]) == len(originals)
    changes, problems = fix_hashes(course_copy)
    assert not problems
    assert sorted(change.path for change in changes) == sorted(originals)
    for path, before in originals.items():
        lines_before, lines_after = before.splitlines(keepends=True), path.read_bytes().splitlines(keepends=True)
        at = next(i for i, line in enumerate(lines_before) if line.startswith(b"id:")) + 1
        expected = f"translation_of: {content_hash(english_of(course_copy, path).read_bytes())}".encode()
        assert lines_after[at].rstrip(b"\r\n") == expected
        assert lines_after[:at] + lines_after[at + 1:] == lines_before
    assert all(path.read_bytes() == raw for path, raw in english.items())
    assert not warnings_of(course_copy)
    again, _ = fix_hashes(course_copy)
    assert again == []


def test_a_changed_english_file_makes_its_translations_stale(course_copy):
    fix_hashes(course_copy)
    assert not warnings_of(course_copy)
    english = course_copy / "en/complaints/tactics.yaml"
    edit(english, "title: The TACTICS process", "title: The TACTICS process, step by step")
    warnings = warnings_of(course_copy)
    for lang in TRANSLATIONS:
        translation = course_copy / lang / "complaints/tactics.yaml"
        line = line_of(translation, "translation_of:")
        expected = (f"{shown(translation)}:{line}: warning: may be out of date: {shown(english)} has changed since "
                    f"this translation was made; update the translation, then run "
                    f"`flask --app app course validate --fix-hashes {shown(translation)}`")
        assert expected in warnings
    assert len(warnings) == 3
    assert not [p for p in validate_path(course_copy, git_hints=False) if p.level != "warning"]


def test_a_translation_without_a_hash_is_named(course_copy):
    fix_hashes(course_copy)
    path = course_copy / "es/complaints/module.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text("".join(line for line in text.splitlines(keepends=True) if not line.startswith("translation_of:")),
                    encoding="utf-8")
    assert warnings_of(course_copy) == [
        f"{shown(path)}:1: warning: no translation_of hash: once this file is a complete translation of "
        f"{shown(course_copy / 'en/complaints/module.yaml')}, run "
        f"`flask --app app course validate --fix-hashes {shown(path)}`"]


def test_fixing_one_file_touches_only_that_file(course_copy):
    strip_hashes(course_copy)
    target = course_copy / "pl/complaints/tactics.yaml"
    before = {p: p.read_bytes() for p in course_copy.rglob("*.yaml")}
    changes, _ = fix_hashes(course_copy, target)
    assert [c.path for c in changes] == [target]
    assert [p for p in before if p.read_bytes() != before[p]] == [target]


def test_fixing_an_english_file_marks_all_its_translations_up_to_date(course_copy):
    strip_hashes(course_copy)
    english = course_copy / "en/complaints/tactics.yaml"
    changes, _ = fix_hashes(course_copy, english)
    assert sorted(c.path for c in changes) == sorted(course_copy / lang / "complaints/tactics.yaml" for lang in TRANSLATIONS)
    assert recorded_hash(english.read_bytes()) is None


def test_an_existing_hash_is_replaced_in_place_keeping_its_comment_and_line_endings():
    raw = b"id: tactics\r\ntranslation_of: 0123abcd0123  # reviewed by Ola\r\ntitle: T\r\n"
    assert set_translation_hash(raw, "fedcba987654") == \
        b"id: tactics\r\ntranslation_of: fedcba987654  # reviewed by Ola\r\ntitle: T\r\n"
    assert set_translation_hash(b"id: tactics\r\ntitle: T\r\n", "fedcba987654") == \
        b"id: tactics\r\ntranslation_of: fedcba987654\r\ntitle: T\r\n"
    assert set_translation_hash(b"title: T\nid: x", "abc") == b"title: T\nid: x\ntranslation_of: abc"
    assert set_translation_hash(b"title: T\n", "abc") is None
    assert set_translation_hash(b"id: x\n", "123456789012") == b'id: x\ntranslation_of: "123456789012"\n'
    assert recorded_hash(b'id: x\ntranslation_of: "123456789012"\n') == "123456789012"


def test_a_crlf_translation_keeps_its_line_endings(course_copy):
    strip_hashes(course_copy)
    path = course_copy / "it/complaints/tactics.yaml"
    crlf = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(crlf)
    fix_hashes(course_copy, path)
    after = path.read_bytes()
    assert after.count(b"\r\n") == crlf.count(b"\r\n") + 1 and b"\n" not in after.replace(b"\r\n", b"")
    assert not [w for w in warnings_of(course_copy) if str(path.name) in w and "it/complaints" in w]


def test_an_english_file_needs_no_hash(course_copy):
    path = course_copy / "en/complaints/tactics.yaml"
    line = line_of(path, "id:")
    edit(path, "id: tactics\n", "id: tactics\ntranslation_of: abcdefabcdef\n")
    assert f"{shown(path)}:{line + 1}: warning: English files are the reference: they need no translation_of " \
           "(remove this line)" in warnings_of(course_copy)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_warning_names_the_english_version_that_was_translated(course_copy):
    def git(*args):
        subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
                        *args], cwd=course_copy, check=True, capture_output=True)

    git("init", "-q")
    fix_hashes(course_copy)
    git("add", ".")
    git("commit", "-q", "-m", "course")
    first = subprocess.run(["git", "rev-parse", "HEAD"], cwd=course_copy, capture_output=True, text=True).stdout.strip()
    english = course_copy / "en/complaints/tactics.yaml"
    edit(english, "title: The TACTICS process", "title: The TACTICS process, step by step")
    git("commit", "-q", "-am", "new title")
    warnings = [str(p) for p in validate_path(course_copy) if p.level == "warning"]
    assert len(warnings) == 3
    for warning in warnings:
        assert f"; see what changed: git diff {first[:10]} -- {shown(english)}; update the translation" in warning
