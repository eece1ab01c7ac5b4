"""Activities: reflection exercises, quizzes, private notes and module
feedback, with their scripts and styles (static/).

Registered by create_app() through `init_app`, which puts the activities
into the slots the lesson and module pages offer (learn knows nothing of
them): the reflection and quiz blocks, the notes box under a lesson, the
module quiz and the feedback link. Whether an activity is done is decided
in `completion`.
"""
from flask import Flask
from flask_babel import lazy_gettext as _l

from ..web import add_menu_item, fill_slot
from . import feedback_views, personal, quiz_views, views  # noqa: F401  (routes on views.bp; personal: fillers)
from .quizzes import new_token
from .state import activity_state, quiz_history


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.jinja_env.globals.update(activity_state=activity_state, quiz_history=quiz_history,
                                 new_quiz_token=new_token)
    fill_slot(app, "lesson.head", "activities/head.html")
    fill_slot(app, "lesson.block.reflection", "activities/blocks/reflection.html")
    fill_slot(app, "lesson.block.quiz", "activities/blocks/quiz.html")
    fill_slot(app, "lesson.after", "activities/notes_box.html")
    fill_slot(app, "module.quiz", "activities/module_quiz.html")
    fill_slot(app, "module.after", "activities/module_feedback_link.html")
    add_menu_item(app, "activities.my_reflections", _l("My reflections"))
    add_menu_item(app, "activities.my_notes", _l("My notes"))
