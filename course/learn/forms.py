"""Forms of the learning pages."""
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf


class CompleteForm(FlaskForm):
    action = HiddenField(default="complete", validators=[AnyOf(["complete", "undo"])])
