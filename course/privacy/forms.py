"""The form that deletes an account."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField
from wtforms.validators import InputRequired

from ..forms import Form


class DeleteAccountForm(Form):
    password = PasswordField(_l("Your password"), validators=[InputRequired(_l("Enter your password to confirm."))])
    understood = BooleanField(_l("I understand that my account and what I wrote are erased for good."),
                              validators=[InputRequired(_l("Tick the box to confirm that you want to delete "
                                                           "your account."))])
