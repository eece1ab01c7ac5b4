"""Read `content/<lang>/` into immutable, typed objects, once.

Every problem found is reported as `path:line: message`; `load_content`
raises ContentError when any of them is an error.
"""
import difflib
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..i18n import DEFAULT_LANGUAGE, LANGUAGES
from . import models as m
from .tree import Content, LanguageTree
from .yamlsource import Problem, Source, read_yaml


class ContentError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


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


def _describe(error: dict, model: type[BaseModel]) -> str:
    loc = error["loc"]
    kind = error["type"]
    name = str(loc[-1]) if loc else ""
    where = ".".join(str(p) for p in loc if not isinstance(p, int))
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(name, _fields_of(model, loc), n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown key '{name}'{hint}"
    if kind == "missing":
        return f"missing required field '{name}'"
    if kind == "union_tag_invalid":
        return f"unknown block type {error['input'].get('type')!r}; use one of: text, list, details, link, image, reflection, quiz"
    if kind == "union_tag_not_found":
        return "a block needs a 'type'"
    if kind == "string_too_short":
        return f"'{where}' must not be empty"
    if kind == "too_short":
        return f"'{where}' must not be empty"
    if kind == "string_pattern_mismatch" and name in ("id", "quiz", "final_quiz") or (
        kind == "string_pattern_mismatch" and isinstance(loc[-1], int)
    ):
        return f"'{error['input']}' is not a valid id (use lower-case letters, digits and hyphens)"
    if kind == "string_pattern_mismatch" and name in ("url", "src"):
        return f"'{error['input']}' is not an allowed address for '{name}'"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return f"'{where}': {message}" if where else message


def validate_model(model: type[BaseModel], source: Source, problems: list):
    """Build `model` from a parsed file, or add its problems and return None."""
    if not isinstance(source.data, dict):
        problems.append(Problem(source.path, 1, "the file must be a mapping of keys to values"))
        return None
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(p for p in error["loc"])
            problems.append(Problem(source.path, source.line_of(loc), _describe(error, model)))
        return None


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def load_language(root: Path, lang: str, problems: list) -> LanguageTree:
    """Parse one language folder, checking each file on its own."""
    tree = LanguageTree(lang)
    folder = root / lang
    if not folder.is_dir():
        problems.append(Problem(_display(folder, root), 1, "the language folder is missing", "parity"))
        return tree
    course_path = folder / "course.yaml"
    if course_path.exists():
        source = read_yaml(course_path, _display(course_path, root), problems)
        if source:
            tree.course = validate_model(m.CourseFile, source, problems)
            tree.sources["course"] = source
    for module_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        module_path = module_dir / "module.yaml"
        if not module_path.exists():
            if any(module_dir.glob("*.yaml")):
                problems.append(Problem(_display(module_dir, root), 1, "module folder without a module.yaml"))
            continue
        display = _display(module_path, root)
        source = read_yaml(module_path, display, problems)
        module = validate_model(m.Module, source, problems) if source else None
        if module:
            if module.id != module_dir.name:
                problems.append(Problem(display, source.line_of(("id",)), f"the module id '{module.id}' must match its folder name '{module_dir.name}'"))
            tree.modules[module.id] = module
            tree.sources[("module", module.id)] = source
        for lesson_path in sorted(module_dir.glob("*.yaml")):
            if lesson_path.name == "module.yaml":
                continue
            _load_item(m.Lesson, lesson_path, root, module_dir.name, tree.lessons, tree, problems)
        for quiz_path in sorted((module_dir / "quizzes").glob("*.yaml")):
            _load_item(m.Quiz, quiz_path, root, module_dir.name, tree.quizzes, tree, problems)
    return tree


def _load_item(model, path: Path, root: Path, module_id: str, into: dict, tree: LanguageTree, problems: list):
    display = _display(path, root)
    source = read_yaml(path, display, problems)
    if not source:
        return
    item = validate_model(model, source, problems)
    if not item:
        return
    kind = "lesson" if model is m.Lesson else "quiz"
    if item.id != path.stem:
        problems.append(Problem(display, source.line_of(("id",)), f"the {kind} id '{item.id}' must match its file name '{path.stem}'"))
        return
    if item.id in into:
        other = tree.sources[(kind, item.id)].path
        problems.append(Problem(display, source.line_of(("id",)), f"duplicate {kind} id '{item.id}' (also in {other})"))
        return
    into[item.id] = item
    tree.module_of[(kind, item.id)] = module_id
    tree.sources[(kind, item.id)] = source
    if kind == "lesson":
        _check_lesson(item, source, problems)


def _check_lesson(lesson: m.Lesson, source: Source, problems: list):
    seen: dict[str, int] = {}
    for index, block in enumerate(lesson.blocks):
        line = source.line_of(("blocks", index, "id"))
        if block.id in seen:
            problems.append(Problem(source.path, line, f"duplicate block id '{block.id}' (first on line {seen[block.id]})"))
        seen.setdefault(block.id, line)
        if block.type == "reflection":
            ids = [p.id for p in block.prompts]
            for pos, prompt_id in enumerate(ids):
                if prompt_id in ids[:pos]:
                    problems.append(Problem(source.path, source.line_of(("blocks", index, "prompts", pos, "id")), f"duplicate prompt id '{prompt_id}'"))


def _check_quiz_ids(quiz: m.Quiz, source: Source, problems: list):
    ids = [q.id for q in quiz.questions]
    for qpos, question in enumerate(quiz.questions):
        if question.id in ids[:qpos]:
            problems.append(Problem(source.path, source.line_of(("questions", qpos, "id")), f"duplicate question id '{question.id}'"))
        option_ids = [o.id for o in question.options]
        for opos, option_id in enumerate(option_ids):
            if option_id in option_ids[:opos]:
                problems.append(Problem(source.path, source.line_of(("questions", qpos, "options", opos, "id")), f"duplicate option id '{option_id}' in question '{question.id}'"))


def check_references(tree: LanguageTree, reference: LanguageTree | None, problems: list):
    """Check that what a language's files name exists (there or in English)."""
    fallback = reference or tree

    def exists(kind: str, item_id: str) -> bool:
        store = {"lesson": "lessons", "quiz": "quizzes", "module": "modules"}[kind]
        return item_id in getattr(tree, store) or item_id in getattr(fallback, store)

    if tree.course:
        source = tree.sources["course"]
        for pos, module_id in enumerate(tree.course.modules):
            if not exists("module", module_id):
                problems.append(Problem(source.path, source.line_of(("modules", pos)), f"module '{module_id}' does not exist"))
    for module_id, module in tree.modules.items():
        source = tree.sources[("module", module_id)]
        for pos, lesson_id in enumerate(module.lessons):
            if not exists("lesson", lesson_id):
                problems.append(Problem(source.path, source.line_of(("lessons", pos)), f"lesson '{lesson_id}' does not exist"))
            elif tree.module_of.get(("lesson", lesson_id), module_id) != module_id:
                problems.append(Problem(source.path, source.line_of(("lessons", pos)), f"lesson '{lesson_id}' belongs to module '{tree.module_of[('lesson', lesson_id)]}'"))
        if not exists("quiz", module.final_quiz):
            problems.append(Problem(source.path, source.line_of(("final_quiz",)), f"quiz '{module.final_quiz}' does not exist"))
        listed = set(module.lessons)
        for (kind, item_id), owner in tree.module_of.items():
            if kind == "lesson" and owner == module_id and item_id not in listed:
                lesson_source = tree.sources[("lesson", item_id)]
                problems.append(Problem(lesson_source.path, 1, f"lesson '{item_id}' is not listed in {source.path}"))
    for lesson_id, lesson in tree.lessons.items():
        source = tree.sources[("lesson", lesson_id)]
        for index, block in enumerate(lesson.blocks):
            if block.type == "quiz" and not exists("quiz", block.quiz):
                problems.append(Problem(source.path, source.line_of(("blocks", index, "quiz")), f"quiz '{block.quiz}' does not exist"))
    for quiz_id, quiz in tree.quizzes.items():
        _check_quiz_ids(quiz, tree.sources[("quiz", quiz_id)], problems)


def parse_content(root: Path) -> tuple[dict[str, LanguageTree], list[Problem]]:
    """Parse every language folder and check each on its own."""
    problems: list[Problem] = []
    trees = {lang: load_language(root, lang, problems) for lang in LANGUAGES}
    reference = trees[DEFAULT_LANGUAGE]
    if reference.course is None and not any(p.path.startswith(f"{DEFAULT_LANGUAGE}/course.yaml") for p in problems):
        problems.append(Problem(f"{DEFAULT_LANGUAGE}/course.yaml", 1, "the English course.yaml is missing"))
    for lang, tree in trees.items():
        check_references(tree, None if lang == DEFAULT_LANGUAGE else reference, problems)
    return trees, problems


def load_content(root: str | Path) -> Content:
    """Load the course for the app; raise ContentError on any error."""
    root = Path(root)
    if not root.is_dir():
        raise ContentError([Problem(str(root), 1, "the content folder does not exist")])
    trees, problems = parse_content(root)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise ContentError(errors)
    return Content.build(root, trees, [p for p in problems if p.level != "error"])
