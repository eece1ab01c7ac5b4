"""Forms of the admin area. The GET forms (search, export) carry no CSRF
token: they change nothing. Every POST form does."""
from datetime import date

from flask_babel import lazy_gettext as _l
from ..forms import Form
from wtforms import HiddenField, SearchField, SelectField, StringField
from wtforms.validators import AnyOf, Length

from ..i18n import LANGUAGE_NAMES, LANGUAGES
from ..models import ROLES
from .accounts import ROLE_LABELS


class DayField(StringField):
    """A day picker (type=date) that still shows what the user typed when it is no day.

    A date input may only hold a YYYY-MM-DD value: a mistyped one ("31/12/2026")
    is shown in a plain text box beside its error, so it can be corrected.
    """

    def __call__(self, **kwargs):
        value = self._value()
        kwargs.setdefault("type", "date" if not value or _is_day(value) else "text")
        return super().__call__(**kwargs)


def _is_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


class GetForm(Form):
    class Meta:
        csrf = False


class SearchForm(GetForm):
    q = SearchField(_l("Name or email"), validators=[Length(max=200, message=_l("Use at most 200 characters."))])
    role = SelectField(_l("Role"), validate_choice=False,
                       choices=lambda: [("", _l("All roles"))] + [(r, ROLE_LABELS[r]) for r in ROLES])


class ExportForm(GetForm):
    module = SelectField(_l("Module"), validate_choice=False)
    lang = SelectField(_l("Learners' language"), validate_choice=False,
                       choices=lambda: [("", _l("All languages"))] + [(c, LANGUAGE_NAMES[c]) for c in LANGUAGES])
    since = DayField(_l("Completed from"))
    until = DayField(_l("Completed until"))


class FeedbackFilterForm(GetForm):
    module = SelectField(_l("Module"), validate_choice=False)


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=lambda: [(r, ROLE_LABELS[r]) for r in ROLES], validate_choice=False,
                       validators=[AnyOf(ROLES, message=_l("Choose a role: learner, instructor or administrator."))])


class StatusForm(Form):
    action = HiddenField(validators=[AnyOf(["deactivate", "reactivate"])])
