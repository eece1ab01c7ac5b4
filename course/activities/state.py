"""What the lesson and module pages need to know about the learner's activities.

Exposed to templates as `activity_state(lesson_id)` and `quiz_history(quiz_id)`;
each is read once per request.
"""
from functools import cached_property

from flask import g
from flask_login import current_user

from . import completion, notes, quizzes, reflections, texts


class LessonState:
    """The learner's reflection answers, note and submitted quizzes for one
    lesson, each read from the database the first time a template asks (a
    lesson without reflections never reads answers)."""

    def __init__(self, user_id: int | None = None, lesson_id: str | None = None):
        self.user_id, self.lesson_id = user_id, lesson_id

    @cached_property
    def texts(self) -> dict:
        """(exercise id, prompt id) -> text."""
        if self.user_id is None:
            return {}
        rows = reflections.answers_for_lesson(self.user_id, self.lesson_id)
        return {key: row.text for key, row in rows.items()}

    @cached_property
    def note(self) -> str:
        if self.user_id is None:
            return ""
        return notes.note_text(self.user_id, self.lesson_id)

    @cached_property
    def submitted(self) -> set:
        """Quiz ids submitted at least once."""
        return set() if self.user_id is None else quizzes.submitted_quizzes(self.user_id)

    @property
    def answered(self) -> set:
        return {key for key, text in self.texts.items() if not texts.is_blank(text)}

    def answers_of(self, exercise_id: str) -> dict:
        return {prompt: text for (exercise, prompt), text in self.texts.items() if exercise == exercise_id}

    def started(self, exercise_id: str) -> bool:
        return any(exercise == exercise_id for exercise, _prompt in self.answered)

    def done(self, block) -> bool:
        return completion.activity_done(block, self.answered, self.submitted)

    def missing(self, block) -> list:
        """Prompts of a required, started exercise still without an answer."""
        if not self.started(block.id):
            return []
        return reflections.missing_prompts(block, self.answered)


def activity_state(lesson_id: str) -> LessonState:
    if not current_user.is_authenticated:
        return LessonState()
    cache = g.setdefault("_activity_state", {})
    if lesson_id not in cache:
        cache[lesson_id] = LessonState(current_user.id, lesson_id)
    return cache[lesson_id]


def quiz_history(quiz_id: str) -> quizzes.History:
    if not current_user.is_authenticated:
        return quizzes.History([])
    cache = g.setdefault("_quiz_history", {})
    if quiz_id not in cache:
        cache[quiz_id] = quizzes.history(current_user.id, quiz_id)
    return cache[quiz_id]

