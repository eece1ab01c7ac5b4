"""Course content: the YAML format, its loader and the loaded course."""
from flask import current_app

from .loader import ContentError, load_content
from .tree import Content, CourseView, LessonRef, ModuleView

__all__ = ["Content", "ContentError", "CourseView", "LessonRef", "ModuleView", "get_content", "load_content"]


def get_content() -> Content:
    """The course loaded into the current app."""
    return current_app.extensions["aula.content"]
