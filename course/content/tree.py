"""The loaded course: one tree per language, and the views the app reads."""
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

from ..languages import DEFAULT_LANGUAGE, LANGUAGES
from . import models as m


@dataclass
class LanguageTree:
    """What one language folder holds, as parsed (before fallbacks)."""

    lang: str
    course: m.CourseFile | None = None
    modules: dict = field(default_factory=dict)
    lessons: dict = field(default_factory=dict)
    quizzes: dict = field(default_factory=dict)
    module_of: dict = field(default_factory=dict)  # (kind, id) -> module id
    sources: dict = field(default_factory=dict)    # key -> yamlsource.Source
    #: (kind, id) of files that exist but have errors (reported already), so
    #: that what names them is not also told they do not exist.
    broken: set = field(default_factory=set)


@dataclass(frozen=True)
class LessonRef:
    """A lesson as shown in one language, possibly falling back to English."""

    lesson: m.Lesson
    module_id: str
    position: int            # 0-based, within its module
    lang: str                # the language the text is in

    @property
    def id(self) -> str:
        return self.lesson.id

    def is_fallback(self, lang: str) -> bool:
        return self.lang != lang


@dataclass(frozen=True)
class ModuleView:
    module: m.Module
    lessons: tuple[LessonRef, ...]
    final_quiz: m.Quiz
    position: int
    lang: str

    @property
    def id(self) -> str:
        return self.module.id

    @property
    def minutes(self) -> int:
        """The estimated study time of the lessons learners see (not drafts)."""
        return sum(ref.lesson.minutes for ref in self.lessons if not ref.lesson.is_draft)

    def published_lessons(self, include_drafts: bool = False) -> tuple[LessonRef, ...]:
        return self.lessons if include_drafts else self._published

    @cached_property
    def _published(self) -> tuple[LessonRef, ...]:
        """Asked for every learner's progress on every page: worked out once (the view is immutable)."""
        return tuple(ref for ref in self.lessons if not ref.lesson.is_draft)

    def lesson_ids(self, include_drafts: bool = False) -> tuple[str, ...]:
        """The ids of published_lessons(include_drafts), worked out once."""
        return self._all_ids if include_drafts else self._published_ids

    @cached_property
    def _all_ids(self) -> tuple[str, ...]:
        return tuple(ref.lesson.id for ref in self.lessons)

    @cached_property
    def _published_ids(self) -> tuple[str, ...]:
        return tuple(ref.lesson.id for ref in self._published)


@dataclass(frozen=True)
class CourseView:
    """The whole course in one language, fallbacks resolved."""

    lang: str
    course: m.CourseFile
    modules: tuple[ModuleView, ...]
    _modules: MappingProxyType
    _lessons: MappingProxyType
    _quizzes: MappingProxyType

    def module(self, module_id: str) -> ModuleView | None:
        return self._modules.get(module_id)

    def lesson(self, lesson_id: str) -> LessonRef | None:
        return self._lessons.get(lesson_id)

    def quiz(self, quiz_id: str) -> tuple[m.Quiz, str] | None:
        """(quiz, module id) for a quiz id, in this language or English."""
        return self._quizzes.get(quiz_id)

    @property
    def minutes(self) -> int:
        return sum(mod.minutes for mod in self.modules)

    def lesson_sequence(self, include_drafts: bool = False) -> tuple[tuple[str, LessonRef], ...]:
        """(id, lesson) of every lesson shown, module after module, worked out once."""
        return self._all_sequence if include_drafts else self._published_sequence

    @cached_property
    def _all_sequence(self) -> tuple[tuple[str, LessonRef], ...]:
        return tuple((ref.lesson.id, ref) for mod in self.modules for ref in mod.lessons)

    @cached_property
    def _published_sequence(self) -> tuple[tuple[str, LessonRef], ...]:
        return tuple((ref.lesson.id, ref) for mod in self.modules for ref in mod.published_lessons())


class Content:
    """The loaded course in every language; immutable once built."""

    def __init__(self, root: Path, views: dict[str, CourseView], trees: dict, notices: list):
        self.root = root
        self._views = views
        self.trees = trees
        #: Problems that did not stop start-up (translations out of step).
        self.notices = tuple(notices)

    def course(self, lang: str) -> CourseView:
        return self._views.get(lang) or self._views[DEFAULT_LANGUAGE]

    @classmethod
    def build(cls, root: Path, trees: dict[str, LanguageTree], notices: list) -> "Content":
        reference = trees[DEFAULT_LANGUAGE]
        views = {lang: _build_view(lang, trees[lang], reference) for lang in LANGUAGES}
        return cls(root, views, trees, notices)


def _build_view(lang: str, tree: LanguageTree, ref: LanguageTree) -> CourseView:
    course = tree.course or ref.course
    modules, all_lessons, all_quizzes = [], {}, {}
    for mpos, module_id in enumerate(course.modules):
        module = tree.modules.get(module_id) or ref.modules[module_id]
        refs = []
        for lpos, lesson_id in enumerate(module.lessons):
            if lesson_id in tree.lessons:
                lesson, text_lang = tree.lessons[lesson_id], lang
            else:
                lesson, text_lang = ref.lessons[lesson_id], DEFAULT_LANGUAGE
            lesson_ref = LessonRef(lesson, module_id, lpos, text_lang)
            refs.append(lesson_ref)
            all_lessons[lesson_id] = lesson_ref
        quiz_ids = {module.final_quiz} | {
            b.quiz for r in refs for b in r.lesson.blocks if b.type == "quiz"
        }
        for quiz_id in quiz_ids:
            all_quizzes[quiz_id] = (tree.quizzes.get(quiz_id) or ref.quizzes[quiz_id], module_id)
        modules.append(ModuleView(module, tuple(refs), all_quizzes[module.final_quiz][0], mpos, lang))
    return CourseView(
        lang, course, tuple(modules),
        MappingProxyType({mod.id: mod for mod in modules}),
        MappingProxyType(all_lessons),
        MappingProxyType(all_quizzes),
    )
