"""Account forms."""
from flask_babel import lazy_gettext as _l
from ..forms import Form
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from ..i18n import LANGUAGE_NAMES, LANGUAGES
from .accounts import time_zones


def _language_choices():
    return [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]


def _zone_choices():
    return [(zone, zone.replace("_", " ")) for zone in time_zones()]


class RegisterForm(Form):
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")), Length(max=120, message=_l("Use at most 120 characters."))])
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter your email address.")), Length(max=254, message=_l("Use at most 254 characters."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Choose a password."))])
    lang = SelectField(_l("Course language"), choices=_language_choices, validate_choice=False)
    timezone = SelectField(_l("Time zone"), choices=_zone_choices, validate_choice=False)
    next = HiddenField()


class LoginForm(Form):
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class ProfileForm(Form):
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")), Length(max=120, message=_l("Use at most 120 characters."))])
    lang = SelectField(_l("Course language"), choices=_language_choices, validate_choice=False)
    timezone = SelectField(_l("Time zone"), choices=_zone_choices, validate_choice=False)


class PasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired(_l("Enter your current password."))])
    new_password = PasswordField(_l("New password"), validators=[InputRequired(_l("Choose a new password."))])


class LogoutForm(Form):
    """Signing out is a POST, so another site cannot sign a learner out."""


class ForgotPasswordForm(Form):
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter your email address.")),
                                                         Length(max=254, message=_l("Use at most 254 characters."))])


class ResetPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[InputRequired(_l("Choose a new password."))])

class ConfirmationForm(Form):
    """Send the confirmation link again; `next`: the page to go back to."""

    next = HiddenField()
