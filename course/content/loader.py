"""Read `content/<lang>/` into immutable, typed objects, once.

Every problem found is reported as `path:line: message`; `load_content`
raises ContentError when any of them is an error.
"""
import difflib
import os
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..languages import DEFAULT_LANGUAGE, LANGUAGES
from . import models as m
from .tree import Content, LanguageTree
from .yamlsource import Problem, Source, read_yaml


class ContentError(Exception):
    """The content has errors: the app does not start (or keeps its old course)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(
            f"the course content has {len(problems)} problem(s); fix them "
            "(`flask --app app course validate` lists them too):\n" + "\n".join(str(p) for p in problems)
        )


def _fields_of(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names allowed where `loc` points, for "did you mean"."""
    if model is m.Lesson and len(loc) >= 3 and loc[0] == "blocks":
        block_type = loc[2]
        for candidate in m.Block.__args__[0].__args__:
            if candidate.model_fields["type"].annotation.__args__[0] == block_type:
                if len(loc) >= 6 and loc[3] == "prompts":
                    return list(m.Prompt.model_fields)
                return list(candidate.model_fields)
    if model is m.Quiz and len(loc) >= 3 and loc[0] == "questions":
        if len(loc) >= 5 and loc[2] == "options":
            return list(m.Option.model_fields)
        return list(m.Question.model_fields)
    if model is m.Module and len(loc) >= 3 and loc[0] == "bibliography":
        return list(m.BibliographyEntry.model_fields)
    return list(model.model_fields)


_TYPE_WORDS = {
    "int_parsing": "a whole number", "int_type": "a whole number", "int_from_float": "a whole number",
    "bool_parsing": "true or false", "bool_type": "true or false",
    "string_type": "text", "tuple_type": "a list", "list_type": "a list",
    "model_attributes_type": "a mapping of keys to values", "model_type": "a mapping of keys to values",
    "dict_type": "a mapping of keys to values",
}


def _where(loc: tuple) -> str:
    """The field an error is about: its name, and the item number in a list."""
    names = [p for p in loc if isinstance(p, str)]
    name = names[-1] if names else ""
    if loc and isinstance(loc[-1], int):
        return f"item {loc[-1] + 1} of '{name}'" if name else f"item {loc[-1] + 1}"
    return f"'{name}'"


def _describe(error: dict, model: type[BaseModel]) -> str:
    loc = error["loc"]
    kind = error["type"]
    name = str(loc[-1]) if loc else ""
    where = _where(loc)
    value = error.get("input")
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(name, _fields_of(model, loc), n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown key '{name}'{hint}"
    if kind == "missing":
        return f"missing required field '{name}'"
    if kind == "union_tag_invalid":
        return f"unknown block type {value.get('type')!r}; use one of: text, list, details, link, image, reflection, quiz"
    if kind == "union_tag_not_found":
        return "a block needs a 'type'"
    if kind in ("string_too_short", "too_short") or (kind == "string_type" and value is None):
        return f"{where} must not be empty"
    if kind == "string_pattern_mismatch" and (name in ("id", "quiz", "final_quiz") or isinstance(loc[-1], int)):
        return f"'{value}' is not a valid id (use lower-case letters, digits and hyphens, e.g. 'my-lesson')"
    if kind == "string_pattern_mismatch" and name in ("url", "src"):
        return f"'{value}' is not an allowed address for '{name}'"
    if kind == "string_too_long" and name in ("id", "quiz", "final_quiz"):
        return f"the id '{value}' is too long (at most 64 characters)"
    if kind == "literal_error":
        return f"{where} must be {error['ctx']['expected']}, not {value!r}"
    if kind in ("greater_than_equal", "less_than_equal"):
        bounds = {"greater_than_equal": "at least {ge}", "less_than_equal": "at most {le}"}[kind]
        return f"{where} must be {bounds.format(**error['ctx'])}, not {value!r}"
    if kind in _TYPE_WORDS:
        shown = repr(value) if isinstance(value, (str, int, float, bool)) else type(value).__name__
        return f"{where} must be {_TYPE_WORDS[kind]}, not {shown}"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return f"{where}: {message}" if where != "''" else message


def validate_model(model: type[BaseModel], source: Source, problems: list):
    """Build `model` from a parsed file, or add its problems and return None."""
    if not isinstance(source.data, dict):
        problems.append(Problem(source.path, 1, "the file must be a mapping of keys to values"))
        return None
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        errors = exc.errors()
        for error in errors:
            loc = tuple(error["loc"])
            if error["type"] == "too_short" and any(
                len(other["loc"]) > len(loc) and tuple(other["loc"][: len(loc)]) == loc for other in errors
            ):
                continue  # pydantic counts only the valid items; the real error is inside
            problems.append(Problem(source.path, source.line_of(loc), _describe(error, model)))
        return None


def display_path(path: Path) -> str:
    """A file as messages name it: relative to the working folder when it is
    inside it (so editors and terminals can open `path:line`), else absolute."""
    path = Path(os.path.abspath(path))
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_language(root: Path, lang: str, problems: list) -> LanguageTree:
    """Parse one language folder, checking each file on its own."""
    tree = LanguageTree(lang)
    folder = root / lang
    if not folder.is_dir():
        level = "error" if lang == DEFAULT_LANGUAGE else "parity"
        problems.append(Problem(display_path(folder), 1, "the language folder is missing", level))
        return tree
    course_path = folder / "course.yaml"
    if course_path.exists():
        source = read_yaml(course_path, display_path(course_path), problems)
        if source:
            tree.course = validate_model(m.CourseFile, source, problems)
            tree.sources["course"] = source
            if tree.course:
                _check_list(tree.course.modules, "modules", "module", source, problems)
    for stray in sorted(folder.glob("*.y*ml")):
        if stray.name != "course.yaml":
            problems.append(Problem(display_path(stray), 1, "this file is not part of the course: "
                                    "lessons go in a module folder, and files must end in .yaml", "warning"))
    for module_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        _load_module(module_dir, tree, problems)
    return tree


def _load_module(module_dir: Path, tree: LanguageTree, problems: list) -> None:
    module_path = module_dir / "module.yaml"
    for stray in sorted([*module_dir.glob("*.yml"), *module_dir.glob("quizzes/*.yml")]):
        problems.append(Problem(display_path(stray), 1, "content files must end in .yaml (rename this .yml file)"))
    if not module_path.exists():
        if any(module_dir.glob("*.yaml")):
            problems.append(Problem(display_path(module_dir), 1, "module folder without a module.yaml"))
        return
    display = display_path(module_path)
    source = read_yaml(module_path, display, problems)
    module = validate_model(m.Module, source, problems) if source else None
    if module is None:
        tree.broken.add(("module", module_dir.name))
    if module:
        if module.id != module_dir.name:
            problems.append(Problem(display, source.line_of(("id",)), f"the module id '{module.id}' must match its folder name '{module_dir.name}'"))
        else:
            tree.modules[module.id] = module
            tree.sources[("module", module.id)] = source
            _check_list(module.lessons, "lessons", "lesson", source, problems)
    for lesson_path in sorted(module_dir.glob("*.yaml")):
        if lesson_path.name != "module.yaml":
            _load_item(m.Lesson, lesson_path, module_dir.name, tree.lessons, tree, problems)
    for quiz_path in sorted((module_dir / "quizzes").glob("*.yaml")):
        _load_item(m.Quiz, quiz_path, module_dir.name, tree.quizzes, tree, problems)


def _check_list(ids: tuple, key: str, kind: str, source: Source, problems: list) -> None:
    """An id listed twice in a course's modules or a module's lessons."""
    first: dict[str, int] = {}
    for pos, item_id in enumerate(ids):
        line = source.line_of((key, pos))
        if item_id in first:
            problems.append(Problem(source.path, line, f"{kind} '{item_id}' is listed twice (first on line {first[item_id]})"))
        first.setdefault(item_id, line)


def _load_item(model, path: Path, module_id: str, into: dict, tree: LanguageTree, problems: list):
    display = display_path(path)
    kind = "lesson" if model is m.Lesson else "quiz"
    source = read_yaml(path, display, problems)
    item = validate_model(model, source, problems) if source else None
    if not item:
        tree.broken.add((kind, path.stem))
        return
    check_ids(item, source, problems)
    if item.id != path.stem:
        problems.append(Problem(display, source.line_of(("id",)), f"the {kind} id '{item.id}' must match its file name '{path.stem}'"))
        tree.broken.add((kind, path.stem))
        return
    if item.id in into:
        other = tree.sources[(kind, item.id)].path
        problems.append(Problem(display, source.line_of(("id",)), f"duplicate {kind} id '{item.id}' (also in {other})"))
        return
    into[item.id] = item
    tree.module_of[(kind, item.id)] = module_id
    tree.sources[(kind, item.id)] = source


def check_ids(item, source: Source, problems: list) -> None:
    """Ids that must be unique inside one lesson or quiz file."""
    if isinstance(item, m.Lesson):
        _check_lesson(item, source, problems)
    elif isinstance(item, m.Quiz):
        _check_quiz_ids(item, source, problems)


def _check_unique(items, at: tuple, what: str, source: Source, problems: list, where: str = "") -> None:
    """Report every item whose id an earlier item of the same list (at `at` in the file) has."""
    first: dict[str, int] = {}
    for pos, item in enumerate(items):
        line = source.line_of(at + (pos, "id"))
        if item.id in first:
            problems.append(Problem(source.path, line,
                                    f"duplicate {what} id '{item.id}'{where} (first on line {first[item.id]})"))
        first.setdefault(item.id, line)


def _check_lesson(lesson: m.Lesson, source: Source, problems: list):
    _check_unique(lesson.blocks, ("blocks",), "block", source, problems)
    for index, block in enumerate(lesson.blocks):
        if block.type == "reflection":
            _check_unique(block.prompts, ("blocks", index, "prompts"), "prompt", source, problems)


def _check_quiz_ids(quiz: m.Quiz, source: Source, problems: list):
    _check_unique(quiz.questions, ("questions",), "question", source, problems)
    for index, question in enumerate(quiz.questions):
        _check_unique(question.options, ("questions", index, "options"), "option", source, problems,
                      where=f" in question '{question.id}'")


def check_references(tree: LanguageTree, reference: LanguageTree | None, problems: list):
    """Check that what a language's files name exists (there or in English)."""
    fallback = reference or tree
    stores = {"lesson": "lessons", "quiz": "quizzes", "module": "modules"}

    def exists(kind: str, item_id: str) -> bool:
        return (item_id in getattr(tree, stores[kind]) or item_id in getattr(fallback, stores[kind])
                or (kind, item_id) in tree.broken or (kind, item_id) in fallback.broken)

    def missing(kind: str, item_id: str) -> str:
        known = set(getattr(tree, stores[kind])) | set(getattr(fallback, stores[kind]))
        close = difflib.get_close_matches(item_id, sorted(known), n=1, cutoff=0.75)
        return f"{kind} '{item_id}' does not exist" + (f" (did you mean '{close[0]}'?)" if close else "")

    def owner(kind: str, item_id: str) -> str | None:
        return tree.module_of.get((kind, item_id)) or fallback.module_of.get((kind, item_id))

    if tree.course:
        source = tree.sources["course"]
        for pos, module_id in enumerate(tree.course.modules):
            if not exists("module", module_id):
                problems.append(Problem(source.path, source.line_of(("modules", pos)), missing("module", module_id)))
    used_quizzes = set()
    for module_id, module in tree.modules.items():
        source = tree.sources[("module", module_id)]
        for pos, lesson_id in enumerate(module.lessons):
            if not exists("lesson", lesson_id):
                problems.append(Problem(source.path, source.line_of(("lessons", pos)), missing("lesson", lesson_id)))
            elif owner("lesson", lesson_id) not in (None, module_id):
                problems.append(Problem(source.path, source.line_of(("lessons", pos)), f"lesson '{lesson_id}' belongs to module '{owner('lesson', lesson_id)}'"))
        used_quizzes.add(module.final_quiz)
        if not exists("quiz", module.final_quiz):
            problems.append(Problem(source.path, source.line_of(("final_quiz",)), missing("quiz", module.final_quiz)))
        elif owner("quiz", module.final_quiz) not in (None, module_id):
            problems.append(Problem(source.path, source.line_of(("final_quiz",)), f"quiz '{module.final_quiz}' is in module '{owner('quiz', module.final_quiz)}'; a module's quizzes go in its own quizzes/ folder"))
        listed = set(module.lessons)
        for (kind, item_id), lesson_module in tree.module_of.items():
            if kind == "lesson" and lesson_module == module_id and item_id not in listed:
                lesson_source = tree.sources[("lesson", item_id)]
                problems.append(Problem(lesson_source.path, lesson_source.line_of(("id",)), f"lesson '{item_id}' is not listed in {source.path}"))
    for lesson_id, lesson in tree.lessons.items():
        source = tree.sources[("lesson", lesson_id)]
        lesson_module = tree.module_of[("lesson", lesson_id)]
        for index, block in enumerate(lesson.blocks):
            if block.type != "quiz":
                continue
            used_quizzes.add(block.quiz)
            line = source.line_of(("blocks", index, "quiz"))
            if not exists("quiz", block.quiz):
                problems.append(Problem(source.path, line, missing("quiz", block.quiz)))
            elif owner("quiz", block.quiz) not in (None, lesson_module):
                problems.append(Problem(source.path, line, f"quiz '{block.quiz}' is in module '{owner('quiz', block.quiz)}'; a lesson can only use its own module's quizzes"))
    for quiz_id in tree.quizzes:
        if quiz_id not in used_quizzes and reference is None:
            source = tree.sources[("quiz", quiz_id)]
            problems.append(Problem(source.path, source.line_of(("id",)), f"quiz '{quiz_id}' is not used by any lesson or module", "warning"))


def parse_content(root: Path) -> tuple[dict[str, LanguageTree], list[Problem]]:
    """Parse every language folder and check each on its own (what the app
    needs at start-up; `validate.validate_folder` adds the cross-language checks)."""
    problems: list[Problem] = []
    trees = {lang: load_language(root, lang, problems) for lang in LANGUAGES}
    reference = trees[DEFAULT_LANGUAGE]
    if reference.course is None and (root / DEFAULT_LANGUAGE).is_dir():
        course_path = root / DEFAULT_LANGUAGE / "course.yaml"
        if not course_path.exists():
            problems.append(Problem(display_path(course_path), 1, "the English course.yaml is missing"))
    for lang, tree in trees.items():
        check_references(tree, None if lang == DEFAULT_LANGUAGE else reference, problems)
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if folder.name not in LANGUAGES and folder.name != "media" and any(folder.rglob("*.yaml")):
            problems.append(Problem(display_path(folder), 1, f"'{folder.name}' is not a course language "
                                    f"({', '.join(LANGUAGES)}): its files are not used", "warning"))
    return trees, problems


def load_content(root: str | Path) -> Content:
    """Load the course for the app; raise ContentError on any error.

    Problems between languages (a lesson not yet translated, a translation out
    of step) do not stop the app: a missing lesson is shown in English.
    """
    root = Path(root)
    if not root.is_dir():
        raise ContentError([Problem(str(root), 1, "the content folder does not exist")])
    trees, problems = parse_content(root)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise ContentError(errors)
    return Content.build(root, trees, [p for p in problems if p.level != "error"])
