"""Reflection answers: saving, reading and listing one learner's answers."""
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..content import CourseView, LessonRef
from ..content.models import ReflectionBlock
from ..extensions import db
from ..models import ReflectionAnswer
from . import texts

TOO_LONG = "too-long"
EMPTY = "empty"


class UnknownPrompt(ValueError):
    """An answer named a prompt the exercise does not have."""


def answers_for_lesson(user_id: int, lesson_id: str) -> dict[tuple[str, str], ReflectionAnswer]:
    """(exercise id, prompt id) -> the learner's answer, for one lesson."""
    rows = db.session.scalars(select(ReflectionAnswer).where(
        ReflectionAnswer.user_id == user_id, ReflectionAnswer.lesson_id == lesson_id))
    return {(row.exercise_id, row.prompt_id): row for row in rows}


def answered_prompts(user_id: int, lesson_id: str) -> set[tuple[str, str]]:
    """The (exercise, prompt) pairs with a non-blank answer."""
    return {key for key, row in answers_for_lesson(user_id, lesson_id).items() if not texts.is_blank(row.text)}


def check_answers(block: ReflectionBlock, answers: dict) -> dict[str, str]:
    """Problems with a set of answers, prompt id -> code. Raises UnknownPrompt."""
    prompts = {prompt.id for prompt in block.prompts}
    errors = {}
    for prompt_id, text in answers.items():
        if prompt_id not in prompts or not isinstance(text, str):
            raise UnknownPrompt(prompt_id)
        if texts.too_long(texts.normalise(text)):
            errors[prompt_id] = TOO_LONG
    return errors


def missing_prompts(block: ReflectionBlock, answered: set[tuple[str, str]]) -> list[str]:
    """The prompts of a required exercise still without an answer."""
    if not block.required:
        return []
    return [p.id for p in block.prompts if (block.id, p.id) not in answered]


def save_answers(user_id: int, ref: LessonRef, block: ReflectionBlock, answers: dict) -> dict[str, str]:
    """Save the answers given (prompt id -> text); a blank answer removes the saved one.

    Answers that are too long are not saved and come back as errors, so the
    caller can show them (with the text) and the others are kept anyway.
    """
    errors = check_answers(block, answers)
    wanted = {prompt_id: texts.normalise(raw) for prompt_id, raw in answers.items() if prompt_id not in errors}
    if wanted:
        _store(user_id, ref, block.id, wanted)
    return errors


def _store(user_id: int, ref: LessonRef, exercise_id: str, wanted: dict[str, str]) -> None:
    """Write the answers of one save in one transaction (one commit: SQLite's
    single write lock is taken once per save, not once per prompt)."""
    for _attempt in range(2):  # a concurrent first save of the same prompt: update it instead
        rows = {row.prompt_id: row for row in db.session.scalars(select(ReflectionAnswer).where(
            ReflectionAnswer.user_id == user_id, ReflectionAnswer.lesson_id == ref.id,
            ReflectionAnswer.exercise_id == exercise_id, ReflectionAnswer.prompt_id.in_(wanted)))}
        for prompt_id, text in wanted.items():
            row = rows.get(prompt_id)
            if texts.is_blank(text):
                if row is not None:
                    db.session.delete(row)
            elif row is None:
                db.session.add(ReflectionAnswer(user_id=user_id, module_id=ref.module_id, lesson_id=ref.id,
                                                exercise_id=exercise_id, prompt_id=prompt_id, text=text))
            elif row.text != text:
                row.text = text
        try:
            db.session.commit()
            return
        except IntegrityError:
            db.session.rollback()
    raise RuntimeError("could not save the reflection answer")  # pragma: no cover


# --- "My reflections" ---------------------------------------------------------

@dataclass
class ExerciseAnswers:
    ref: LessonRef
    block: ReflectionBlock
    answers: list  # (prompt, text or None), in the exercise's order

    @property
    def answered(self) -> int:
        return sum(1 for _prompt, text in self.answers if text)


@dataclass
class ModuleAnswers:
    module: object  # ModuleView
    exercises: list = field(default_factory=list)


def list_answers(user_id: int, view: CourseView) -> list[ModuleAnswers]:
    """Every exercise the learner has answered, by module, in course order."""
    rows = db.session.scalars(select(ReflectionAnswer).where(ReflectionAnswer.user_id == user_id))
    return group_answers(view, {(r.lesson_id, r.exercise_id, r.prompt_id): r.text for r in rows})


def group_answers(view: CourseView, saved: dict[tuple[str, str, str], str]) -> list[ModuleAnswers]:
    """Arrange saved answers ((lesson, exercise, prompt) -> text) like the course."""
    started = {(lesson_id, exercise_id) for lesson_id, exercise_id, _p in saved}
    result = []
    for module in view.modules:
        group = ModuleAnswers(module)
        for ref in module.lessons:
            for block in ref.lesson.blocks:
                if block.type != "reflection" or (ref.id, block.id) not in started:
                    continue
                answers = [(p, saved.get((ref.id, block.id, p.id))) for p in block.prompts]
                group.exercises.append(ExerciseAnswers(ref, block, answers))
        if group.exercises:
            result.append(group)
    return result


def answers_markdown(groups: list[ModuleAnswers], labels: dict) -> str:
    """The learner's answers as one Markdown document."""
    out = [f"# {labels['title']}", ""]
    for group in groups:
        out += [f"## {group.module.module.title}", ""]
        for exercise in group.exercises:
            out += [f"### {exercise.block.title}", "", f"*{exercise.ref.lesson.title}*", ""]
            for prompt, text in exercise.answers:
                out += [f"**{prompt.label}**", ""]
                out += [text.strip() if text else f"*{labels['no_answer']}*", ""]
    if not groups:
        out += [labels["empty"], ""]
    return "\n".join(out).rstrip() + "\n"
