"""What the loaded course holds, for the authoring page: drafts and how far
each language is translated. Plain functions over the loaded Content."""
from dataclasses import dataclass
from pathlib import Path

from ..content import Content, LessonRef, ModuleView
from ..content.yamlsource import Problem
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES


@dataclass(frozen=True)
class Draft:
    module: ModuleView
    ref: LessonRef
    languages: tuple[str, ...]   # where the lesson's file says `status: draft`


@dataclass(frozen=True)
class LanguageStatus:
    lang: str
    lessons: int                        # lessons in the course
    translated: int                     # of them, with a file in this language
    fallbacks: tuple[LessonRef, ...]    # shown in English instead

    @property
    def complete(self) -> bool:
        return not self.fallbacks


def drafts(content: Content, lang: str) -> list[Draft]:
    """Every draft lesson, in course order, titled in `lang` where it can be."""
    rows = []
    for module in content.course(lang).modules:
        for ref in module.lessons:
            where = tuple(code for code in LANGUAGES
                          if (lesson := content.trees[code].lessons.get(ref.id)) is not None and lesson.is_draft)
            if where:
                rows.append(Draft(module, ref, where))
    return rows


def languages(content: Content) -> list[LanguageStatus]:
    """For each language, the lessons it has and those shown in English."""
    rows = []
    for lang in LANGUAGES:
        refs = [ref for module in content.course(lang).modules for ref in module.lessons]
        fallbacks = tuple(ref for ref in refs if lang != DEFAULT_LANGUAGE and ref.is_fallback(lang))
        rows.append(LanguageStatus(lang, len(refs), len(refs) - len(fallbacks), fallbacks))
    return rows


@dataclass(frozen=True)
class FileProblems:
    path: str                     # relative to the content folder where possible
    problems: tuple[Problem, ...]


def by_file(problems: list[Problem], root: Path) -> list[FileProblems]:
    """Problems grouped by file, in file order, paths shown from the content folder."""
    groups: dict[str, list[Problem]] = {}
    base = Path(root).resolve()
    for problem in problems:
        try:
            shown = Path(problem.path).resolve().relative_to(base).as_posix()
        except ValueError:
            shown = problem.path
        groups.setdefault(shown, []).append(problem)
    return [FileProblems(path, tuple(sorted(items, key=lambda p: p.line))) for path, items in sorted(groups.items())]
