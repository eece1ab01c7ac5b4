"""A synthetic course in the format of docs/authoring.md, made from the
shipped one: MODULES modules of LESSONS_PER_MODULE lessons in every language.

Each synthetic lesson is a shipped lesson (cycled in order) with new ids and
a number added to every text, so no two lessons share a Markdown string (the
renderer's cache would otherwise make the copies free). Quizzes that lessons
place are copied with them; each module gets a copy of a shipped final quiz.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from .common import PROJECT_ROOT

LANGS = ("en", "it", "es", "pl")
#: Keys whose values learners read (Markdown or plain text): each gets a marker.
TEXT_KEYS = {"title", "summary", "body", "intro", "label", "description", "caption", "alt", "hint",
             "prompt", "text", "feedback", "explanation", "model_answer"}
MARKDOWN_LIST_KEYS = {"items", "learning_outcomes"}
DROP_KEYS = {"translation_of"}  # the hash of the English file, which changes here


def _read(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _mark(value, marker: str):
    """The same data with `marker` added to every text a learner reads."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in DROP_KEYS:
                continue
            if key in TEXT_KEYS and isinstance(item, str):
                out[key] = item.rstrip("\n") + (f"\n\n{marker}\n" if "\n" in item.strip() else f" {marker}")
            elif key in MARKDOWN_LIST_KEYS and isinstance(item, list):
                out[key] = [f"{x} {marker}" if isinstance(x, str) else _mark(x, marker) for x in item]
            else:
                out[key] = _mark(item, marker)
        return out
    if isinstance(value, list):
        return [_mark(item, marker) for item in value]
    return value


def _write(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path.write_text(yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")


def shipped_lessons(source: Path) -> list[tuple[str, str]]:
    """(module id, lesson id) of every shipped lesson, in course order."""
    course = _read(source / "en" / "course.yaml")
    out = []
    for module_id in course["modules"]:
        module = _read(source / "en" / module_id / "module.yaml")
        out += [(module_id, lesson_id) for lesson_id in module["lessons"]]
    return out


def generate(target: Path, *, modules: int = 10, lessons_per_module: int = 100,
             source: Path = PROJECT_ROOT / "content") -> dict:
    """Write the synthetic course into `target`; returns what it holds."""
    if target.exists():
        shutil.rmtree(target)
    templates = shipped_lessons(source)
    shipped_modules = list(dict.fromkeys(module_id for module_id, _ in templates))
    counts = {"languages": len(LANGS), "modules": modules, "lessons": modules * lessons_per_module,
              "files": 0, "bytes": 0}
    for lang in LANGS:
        base = source / lang
        course = _read(base / "course.yaml")
        course = _mark(course, "(synthetic)")
        course["modules"] = [f"m{m:02d}" for m in range(1, modules + 1)]
        _write(target / lang / "course.yaml", course)
        n = 0
        for m in range(1, modules + 1):
            module_id = f"m{m:02d}"
            template_module_id = shipped_modules[(m - 1) % len(shipped_modules)]
            module = _mark(_read(base / template_module_id / "module.yaml"), f"[{module_id}]")
            module["id"] = module_id
            module["lessons"] = []
            final_quiz = _read(base / template_module_id / "quizzes" / f"{module['final_quiz']}.yaml")
            module["final_quiz"] = f"{module_id}-final"
            final_quiz = _mark(final_quiz, f"[{module_id}]")
            final_quiz["id"] = module["final_quiz"]
            _write(target / lang / module_id / "quizzes" / f"{final_quiz['id']}.yaml", final_quiz)
            for number in range(1, lessons_per_module + 1):
                template_module, template_lesson = templates[n % len(templates)]
                n += 1
                lesson_id = f"{module_id}-l{number:03d}"
                lesson = _mark(_read(base / template_module / f"{template_lesson}.yaml"), f"[{lesson_id}]")
                lesson["id"] = lesson_id
                for block in lesson.get("blocks", []):
                    if block.get("type") == "quiz":
                        quiz = _read(base / template_module / "quizzes" / f"{block['quiz']}.yaml")
                        quiz = _mark(quiz, f"[{lesson_id}]")
                        quiz["id"] = f"{lesson_id}-{block['quiz']}"[:64].rstrip("-")
                        block["quiz"] = quiz["id"]
                        _write(target / lang / module_id / "quizzes" / f"{quiz['id']}.yaml", quiz)
                _write(target / lang / module_id / f"{lesson_id}.yaml", lesson)
                module["lessons"].append(lesson_id)
            _write(target / lang / module_id / "module.yaml", module)
    if (source / "media").is_dir():
        shutil.copytree(source / "media", target / "media")
    for path in target.rglob("*.yaml"):
        counts["files"] += 1
        counts["bytes"] += path.stat().st_size
    return counts
