"""What a URL names in the course, for the current user: the lesson pages and
the activities find modules and lessons here, and answer 404 for anything
the user may not see (a draft lesson, for a learner)."""
from flask import abort, g
from flask_login import current_user

from ..content import CourseView, LessonRef, ModuleView, get_content


def can_see_drafts() -> bool:
    """Instructors and administrators preview draft lessons; learners never see them."""
    user = current_user._get_current_object()
    return user.is_authenticated and user.is_staff


def course_view() -> CourseView:
    """The course in the language of the URL."""
    return get_content().course(g.lang)


def module_or_404(module_id: str) -> ModuleView:
    module = course_view().module(module_id)
    if module is None:
        abort(404)
    return module


def lesson_or_404(module_id: str, lesson_id: str) -> tuple[ModuleView, LessonRef]:
    """(module, lesson) for a lesson of that module the current user may see."""
    module = module_or_404(module_id)
    ref = course_view().lesson(lesson_id)
    if ref is None or ref.module_id != module.id or (ref.lesson.is_draft and not can_see_drafts()):
        abort(404)
    return module, ref
