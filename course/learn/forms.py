"""Forms of the learning pages."""
from ..forms import Form
from wtforms import HiddenField
from wtforms.validators import AnyOf


class CompleteForm(Form):
    action = HiddenField(default="complete", validators=[AnyOf(["complete", "undo"])])
