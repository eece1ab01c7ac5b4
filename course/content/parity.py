"""Cross-language checks: every translation has the structure of English.

English is the reference. For each other language, every module, lesson,
block, reflection prompt, quiz, question and option must exist with the same
id, in the same order, with the same type, the same correct answers and the
same link addresses. Each problem names the file and line of the translation
(and where English has the item), at level "parity": `course validate` fails
on them, while the app still starts (a missing lesson is shown in English).
"""
from pathlib import Path

from ..languages import DEFAULT_LANGUAGE, LANGUAGES
from . import models as m
from .loader import display_path
from .tree import LanguageTree
from .yamlsource import Problem, Source

LANGUAGE_NAMES_EN = {"it": "Italian", "es": "Spanish", "pl": "Polish", "en": "English"}


def check_parity(root: Path, trees: dict[str, LanguageTree]) -> list[Problem]:
    reference = trees[DEFAULT_LANGUAGE]
    problems: list[Problem] = []
    if reference.course is None:
        return problems  # English itself is broken: that is reported already
    for lang in LANGUAGES:
        if lang != DEFAULT_LANGUAGE and (root / lang).is_dir():
            _Comparison(root, reference, trees[lang], problems).run()
    return problems


def _where(source: Source, loc: tuple) -> str:
    return f"{source.path}:{source.line_of(loc)}"


def _matched(ref_items, items):
    """(ref index, ref item, index, item) for each item whose id English has too."""
    ref_by_id = {item.id: (i, item) for i, item in enumerate(ref_items)}
    for index, item in enumerate(items):
        if item.id in ref_by_id:
            yield (*ref_by_id[item.id], index, item)


class _Comparison:
    """One language against English."""

    def __init__(self, root: Path, ref: LanguageTree, tree: LanguageTree, problems: list):
        self.root, self.ref, self.tree, self.problems = root, ref, tree, problems
        self.lang = tree.lang
        self.name = LANGUAGE_NAMES_EN[tree.lang]

    # -- helpers ---------------------------------------------------------
    def add(self, source_or_path, line: int, message: str) -> None:
        path = source_or_path.path if isinstance(source_or_path, Source) else source_or_path
        self.problems.append(Problem(path, line, message, "parity"))

    def translated_path(self, ref_source: Source) -> str:
        """Where the translation of an English file belongs."""
        relative = Path(ref_source.file).relative_to(self.root / DEFAULT_LANGUAGE)
        return display_path(self.root / self.lang / relative)

    def file_exists(self, ref_source: Source) -> bool:
        relative = Path(ref_source.file).relative_to(self.root / DEFAULT_LANGUAGE)
        return (self.root / self.lang / relative).exists()

    def compare_ids(self, what: str, ref_ids: list, ids: list, ref_src: Source, ref_loc, src: Source, loc,
                    id_key: str | None = "id", skip_missing=()) -> bool:
        """Compare two sequences of ids; True when they are the same.

        `ref_loc`/`loc` are the location of the list in each file; an item's
        own line is `loc + (index, id_key)` (or `loc + (index,)`).
        """
        def item_loc(base, index):
            return base + (index, id_key) if id_key else base + (index,)

        if ref_ids == ids:
            return True
        ref_lines = {item: ref_src.line_of(item_loc(ref_loc, i)) for i, item in enumerate(ref_ids)}
        lines = {item: src.line_of(item_loc(loc, i)) for i, item in enumerate(ids)}
        for i, item in enumerate(ref_ids):
            if item in lines or item in skip_missing:
                continue
            # Point where it should be: just after the item English has before
            # it (a renamed id sits there), else at the list itself.
            before = next((other for other in reversed(ref_ids[:i]) if other in lines), None)
            position = ids.index(before) + 1 if before is not None else 0
            if position < len(ids):
                line = src.line_of(item_loc(loc, position))
            elif before is not None:
                line = lines[before]
            else:
                line = src.line_of(loc)
            self.add(src, line, f"{what} '{item}' is missing: English has it at {ref_src.path}:{ref_lines[item]}")
        for item in ids:
            if item not in ref_lines:
                self.add(src, lines[item], f"{what} '{item}' is not in English ({ref_src.path}); "
                         "use the same ids as English in every language")
        common_ref = list(dict.fromkeys(item for item in ref_ids if item in lines))
        common = list(dict.fromkeys(item for item in ids if item in ref_lines))
        if common != common_ref:  # (an id listed twice is an error reported by the loader)
            k = next(i for i, (a, b) in enumerate(zip(common, common_ref)) if a != b)
            self.add(src, lines[common[k]], f"{what}s are in a different order than in English "
                     f"({ref_src.path}:{ref_lines[common_ref[k]]}): expected '{common_ref[k]}' here, "
                     f"found '{common[k]}'")
        return False

    def compare_value(self, label: str, ref_value, value, ref_src: Source, ref_loc, src: Source, loc,
                      shown=repr) -> None:
        if ref_value != value:
            self.add(src, src.line_of(loc), f"{label} is {shown(value)} here but {shown(ref_value)} in English "
                     f"({_where(ref_src, ref_loc)})")

    def compare_count(self, label: str, ref_items, items, ref_src: Source, ref_loc, src: Source, loc) -> None:
        if len(ref_items) != len(items):
            self.add(src, src.line_of(loc), f"{label}: {len(items)} here but {len(ref_items)} in English "
                     f"({_where(ref_src, ref_loc)}); translate each one")

    # -- the course --------------------------------------------------------
    def run(self) -> None:
        ref_src = self.ref.sources["course"]
        if self.tree.course is None:
            if not self.file_exists(ref_src):
                self.add(self.translated_path(ref_src), 1,
                         f"course.yaml is missing in {self.name} (translate {ref_src.path})")
            # else: the file has errors of its own, reported already
        else:
            src = self.tree.sources["course"]
            self.compare_value("the course id", self.ref.course.id, self.tree.course.id, ref_src, ("id",), src, ("id",))
            self.compare_ids("module", list(self.ref.course.modules), list(self.tree.course.modules),
                             ref_src, ("modules",), src, ("modules",), id_key=None)
        for module_id in self.ref.course.modules:
            if module_id in self.ref.modules:
                self.module(module_id)
        self.extras()

    def listing(self, key, item_id: str) -> tuple[str, int] | None:
        """The line of this language that names an item (to report it missing)."""
        if key == "module" and self.tree.course:
            src = self.tree.sources["course"]
            if item_id in self.tree.course.modules:
                return src.path, src.line_of(("modules", self.tree.course.modules.index(item_id)))
        return None

    # -- modules -----------------------------------------------------------
    def module(self, module_id: str) -> None:
        ref_mod = self.ref.modules[module_id]
        ref_src = self.ref.sources[("module", module_id)]
        mod = self.tree.modules.get(module_id)
        if mod is None:
            if self.file_exists(ref_src):
                return  # the file has errors of its own, reported already
            folder = Path(ref_src.file).parent.name
            named = self.listing("module", module_id)
            path, line = named or (self.translated_path(ref_src), 1)
            if not (self.root / self.lang / folder).is_dir():
                self.add(path, line, f"module '{module_id}' is not translated into {self.name}: "
                         f"{display_path(self.root / self.lang / folder)}/ is missing; English is shown instead")
                return
            self.add(path, line, f"module '{module_id}' has no {self.name} module.yaml "
                     f"({self.translated_path(ref_src)}); translate {ref_src.path}")
        else:
            src = self.tree.sources[("module", module_id)]
            unlisted = {lid for lid in ref_mod.lessons if lid in self.tree.lessons}
            self.compare_ids("lesson", list(ref_mod.lessons), list(mod.lessons), ref_src, ("lessons",),
                             src, ("lessons",), id_key=None, skip_missing=unlisted)
            for pos, lesson_id in enumerate(mod.lessons):
                if lesson_id in ref_mod.lessons and lesson_id not in self.tree.lessons and lesson_id in self.ref.lessons:
                    lesson_src = self.ref.sources[("lesson", lesson_id)]
                    if not self.file_exists(lesson_src):
                        self.add(src, src.line_of(("lessons", pos)),
                                 f"lesson '{lesson_id}' has no {self.name} file ({self.translated_path(lesson_src)}); "
                                 f"learners see it in English until {lesson_src.path} is translated")
            self.compare_value("final_quiz", ref_mod.final_quiz, mod.final_quiz, ref_src, ("final_quiz",),
                               src, ("final_quiz",))
            self.compare_count("the number of learning outcomes", ref_mod.learning_outcomes, mod.learning_outcomes,
                               ref_src, ("learning_outcomes",), src, ("learning_outcomes",))
            self.compare_count("the number of keywords", ref_mod.keywords, mod.keywords,
                               ref_src, ("keywords",), src, ("keywords",))
            self.compare_count("the number of bibliography entries", ref_mod.bibliography, mod.bibliography,
                               ref_src, ("bibliography",), src, ("bibliography",))
            for pos, (ref_entry, entry) in enumerate(zip(ref_mod.bibliography, mod.bibliography)):
                self.compare_value(f"the url of bibliography entry {pos + 1}", ref_entry.url, entry.url,
                                   ref_src, ("bibliography", pos, "url"), src, ("bibliography", pos, "url"))
        for lesson_id in ref_mod.lessons:
            if lesson_id in self.ref.lessons and self.ref.module_of[("lesson", lesson_id)] == module_id:
                self.lesson(lesson_id, missing_reported=mod is not None)
        quiz_ids = [qid for (kind, qid), owner in self.ref.module_of.items() if kind == "quiz" and owner == module_id]
        for quiz_id in quiz_ids:
            self.quiz(quiz_id, mod)

    # -- lessons -----------------------------------------------------------
    def lesson(self, lesson_id: str, missing_reported: bool) -> None:
        ref_lesson = self.ref.lessons[lesson_id]
        ref_src = self.ref.sources[("lesson", lesson_id)]
        lesson = self.tree.lessons.get(lesson_id)
        if lesson is None:
            if not missing_reported and not self.file_exists(ref_src):
                self.add(self.translated_path(ref_src), 1, f"lesson '{lesson_id}' is missing in {self.name} "
                         f"(translate {ref_src.path}); learners see it in English")
            return
        src = self.tree.sources[("lesson", lesson_id)]
        self.compare_value("minutes", ref_lesson.minutes, lesson.minutes, ref_src, ("minutes",), src, ("minutes",))
        self.compare_value("status", ref_lesson.status, lesson.status, ref_src, ("status",), src, ("status",))
        self.compare_count("the number of learning outcomes", ref_lesson.learning_outcomes, lesson.learning_outcomes,
                           ref_src, ("learning_outcomes",), src, ("learning_outcomes",))
        self.compare_count("the number of keywords", ref_lesson.keywords, lesson.keywords,
                           ref_src, ("keywords",), src, ("keywords",))
        self.compare_ids("block", [b.id for b in ref_lesson.blocks], [b.id for b in lesson.blocks],
                         ref_src, ("blocks",), src, ("blocks",))
        for ref_index, ref_block, index, block in _matched(ref_lesson.blocks, lesson.blocks):
            self.block(ref_block, ref_src, ("blocks", ref_index), block, src, ("blocks", index))

    def block(self, ref_block, ref_src: Source, ref_loc: tuple, block, src: Source, loc: tuple) -> None:
        if ref_block.type != block.type:
            self.add(src, src.line_of(loc + ("type",)), f"block '{block.id}' is a {block.type} block here but a "
                     f"{ref_block.type} block in English ({_where(ref_src, ref_loc + ('type',))})")
            return
        kind = block.type
        if kind == "list":
            self.compare_value(f"the style of list '{block.id}'", ref_block.style, block.style,
                               ref_src, ref_loc + ("style",), src, loc + ("style",))
            self.compare_count(f"the number of items in list '{block.id}'", ref_block.items, block.items,
                               ref_src, ref_loc + ("items",), src, loc + ("items",))
        elif kind == "link":
            self.compare_value(f"the url of link '{block.id}'", ref_block.url, block.url,
                               ref_src, ref_loc + ("url",), src, loc + ("url",))
        elif kind == "reflection":
            self.compare_value(f"'required' of reflection '{block.id}'", ref_block.required, block.required,
                               ref_src, ref_loc + ("required",), src, loc + ("required",))
            self.compare_ids("prompt", [p.id for p in ref_block.prompts], [p.id for p in block.prompts],
                             ref_src, ref_loc + ("prompts",), src, loc + ("prompts",))
        elif kind == "quiz":
            self.compare_value(f"the quiz of block '{block.id}'", ref_block.quiz, block.quiz,
                               ref_src, ref_loc + ("quiz",), src, loc + ("quiz",))
            self.compare_value(f"'required' of quiz block '{block.id}'", ref_block.required, block.required,
                               ref_src, ref_loc + ("required",), src, loc + ("required",))

    # -- quizzes -----------------------------------------------------------
    def quiz_listing(self, quiz_id: str, module: m.Module | None) -> tuple[str, int] | None:
        """A line of this language that uses the quiz: a final_quiz or a quiz block."""
        if module is not None and module.final_quiz == quiz_id:
            src = self.tree.sources[("module", module.id)]
            return src.path, src.line_of(("final_quiz",))
        for lesson_id, lesson in self.tree.lessons.items():
            for index, block in enumerate(lesson.blocks):
                if block.type == "quiz" and block.quiz == quiz_id:
                    src = self.tree.sources[("lesson", lesson_id)]
                    return src.path, src.line_of(("blocks", index, "quiz"))
        return None

    def quiz(self, quiz_id: str, module: m.Module | None) -> None:
        ref_quiz = self.ref.quizzes[quiz_id]
        ref_src = self.ref.sources[("quiz", quiz_id)]
        quiz = self.tree.quizzes.get(quiz_id)
        if quiz is None:
            if self.file_exists(ref_src):
                return  # the file has errors of its own, reported already
            module_id = self.ref.module_of[("quiz", quiz_id)]
            if module is None and not (self.root / self.lang / module_id).is_dir():
                return  # the whole module is missing: reported once, above
            path, line = self.quiz_listing(quiz_id, module) or (self.translated_path(ref_src), 1)
            self.add(path, line, f"quiz '{quiz_id}' has no {self.name} file ({self.translated_path(ref_src)}); "
                     f"learners see it in English until {ref_src.path} is translated")
            return
        src = self.tree.sources[("quiz", quiz_id)]
        self.compare_value("pass_mark", ref_quiz.pass_mark, quiz.pass_mark, ref_src, ("pass_mark",), src, ("pass_mark",))
        self.compare_ids("question", [q.id for q in ref_quiz.questions], [q.id for q in quiz.questions],
                         ref_src, ("questions",), src, ("questions",))
        for ref_index, ref_question, index, question in _matched(ref_quiz.questions, quiz.questions):
            self.question(ref_question, ref_src, ("questions", ref_index), question, src, ("questions", index))

    def question(self, ref_q: m.Question, ref_src: Source, ref_loc: tuple, q: m.Question, src: Source, loc: tuple) -> None:
        if ref_q.type != q.type:
            self.add(src, src.line_of(loc + ("type",)), f"question '{q.id}' is of type '{q.type}' here but "
                     f"'{ref_q.type}' in English ({_where(ref_src, ref_loc + ('type',))})")
            return
        if q.type == "text":
            if ref_q.self_assessed != q.self_assessed:
                how = {True: "self-assessed", False: "graded by accepted_answers/keywords"}
                self.add(src, src.line_of(loc + ("id",)), f"question '{q.id}' is {how[q.self_assessed]} here but "
                         f"{how[ref_q.self_assessed]} in English ({_where(ref_src, ref_loc + ('id',))})")
            return
        same = self.compare_ids("option", [o.id for o in ref_q.options], [o.id for o in q.options],
                                ref_src, ref_loc + ("options",), src, loc + ("options",))
        ref_correct = sorted(o.id for o in ref_q.options if o.correct)
        correct = sorted(o.id for o in q.options if o.correct)
        if same and ref_correct != correct:
            first = next(i for i, (a, b) in enumerate(zip(ref_q.options, q.options)) if a.correct != b.correct)
            self.add(src, src.line_of(loc + ("options", first, "id")),
                     f"question '{q.id}': the correct answer is {_ids(correct)} here but {_ids(ref_correct)} "
                     f"in English ({_where(ref_src, ref_loc + ('options', first, 'id'))})")

    # -- what only the translation has -------------------------------------
    def extras(self) -> None:
        for kind, store in (("module", self.tree.modules), ("lesson", self.tree.lessons), ("quiz", self.tree.quizzes)):
            reference = {"module": self.ref.modules, "lesson": self.ref.lessons, "quiz": self.ref.quizzes}[kind]
            for item_id in store:
                src = self.tree.sources[(kind, item_id)]
                if item_id not in reference:
                    relative = Path(src.file).relative_to(self.root / self.lang)
                    english = self.root / DEFAULT_LANGUAGE / relative
                    if english.exists():
                        continue  # the English file has errors of its own, reported already
                    self.add(src, src.line_of(("id",)), f"{kind} '{item_id}' is not in English: every {kind} "
                             f"needs its English original ({display_path(english)}) first")
                elif kind != "module":
                    ref_module = self.ref.module_of[(kind, item_id)]
                    module = self.tree.module_of[(kind, item_id)]
                    if ref_module != module:
                        self.add(src, src.line_of(("id",)), f"{kind} '{item_id}' is in module '{module}' here but in "
                                 f"module '{ref_module}' in English ({self.ref.sources[(kind, item_id)].path})")


def _ids(ids: list) -> str:
    return ", ".join(f"'{i}'" for i in ids) if ids else "none"
