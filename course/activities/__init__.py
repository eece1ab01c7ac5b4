"""Activities: reflection exercises, quizzes, private notes and module feedback.

Registered by create_app() through `init_app`.
"""
from flask import Flask
from flask_babel import lazy_gettext as _l

from ..web import add_menu_item
from . import feedback_views, quiz_views, views  # noqa: F401  (their routes are on views.bp)
from .quizzes import new_token
from .state import activity_state, quiz_history


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.jinja_env.globals.update(activity_state=activity_state, quiz_history=quiz_history,
                                 new_quiz_token=new_token)
    add_menu_item(app, "activities.my_reflections", _l("My reflections"))
    add_menu_item(app, "activities.my_notes", _l("My notes"))
