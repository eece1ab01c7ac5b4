"""The form that deletes an account."""
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import InputRequired

from ..forms import Form


class DeleteAccountForm(Form):
    password = PasswordField(_l("Your password"), validators=[InputRequired(_l("Enter your password to confirm."))])
