"""The completion rules of activities, and applying them.

One definition each, used by the pages, the admin learner page and (in its
SQL form, admin/records.py) the completion-record export:

- a reflection is done when every prompt has an answer that is not blank
  (texts.is_blank / texts.not_blank_sql: the same characters);
- a quiz activity is done once the quiz has been submitted;
- a lesson with required activities is complete when they are all done
  (`required_done`); `refresh_lesson` records that through learn.progress,
  whose rules say when a module (its published lessons, then its quiz
  passed) and the course are complete.

tests/test_completion_rule.py checks, for random learner activity, that the
export's figures equal what the learner's pages show.
"""
from sqlalchemy import select

from ..content import CourseView, LessonRef
from ..content.models import Lesson
from ..extensions import db
from ..learn import progress
from ..models import LessonProgress
from . import quizzes, reflections


def activity_done(block, answered: set[tuple[str, str]], submitted: set[str]) -> bool:
    """A reflection is done when every prompt has an answer; a quiz once submitted."""
    if block.type == "reflection":
        return all((block.id, prompt.id) in answered for prompt in block.prompts)
    if block.type == "quiz":
        return block.quiz in submitted
    return True


def required_done(lesson: Lesson, answered: set[tuple[str, str]], submitted: set[str]) -> bool:
    return all(activity_done(block, answered, submitted) for block in lesson.required_activities)


def refresh_lesson(user, view: CourseView, ref: LessonRef) -> bool:
    """Mark the lesson complete (or not) to match its activities; returns whether it is."""
    if not ref.lesson.required_activities:
        return False
    done = required_done(ref.lesson, reflections.answered_prompts(user.id, ref.id), quizzes.submitted_quizzes(user.id))
    row = db.session.scalar(select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == ref.id))
    if bool(row and row.completed_at) != done:
        progress.set_lesson_complete(user, view, ref, complete=done)
    return done


def after_quiz(user, view: CourseView, quiz_id: str, module_id: str) -> None:
    """After an attempt or a verdict: the lessons that hold the quiz, then the module."""
    module = view.module(module_id)
    if module is None:
        return
    for ref in module.lessons:
        if any(b.type == "quiz" and b.quiz == quiz_id for b in ref.lesson.blocks):
            refresh_lesson(user, view, ref)
    progress.update_completion(user, view, module_id)


def lessons_with_quiz(view: CourseView, quiz_id: str) -> list[LessonRef]:
    return [ref for module in view.modules for ref in module.lessons
            if any(b.type == "quiz" and b.quiz == quiz_id for b in ref.lesson.blocks)]
