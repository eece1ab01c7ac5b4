"""The reminders page's form: seven days, each on or off with a time, and the time zone."""
from babel.dates import get_day_names
from flask_babel import LazyString, get_locale, lazy_gettext as _l
from ..forms import Form
from wtforms import BooleanField, SelectField, TimeField
from wtforms.validators import InputRequired

from ..auth.accounts import time_zones

WEEKDAYS = range(7)  # 0 = Monday


def day_name(weekday: int) -> str:
    """The weekday's name in the current locale (Babel's CLDR data)."""
    return str(get_day_names("wide", locale=get_locale())[weekday])


def _day_label(weekday: int) -> LazyString:
    return LazyString(lambda: day_name(weekday).capitalize())


def _zone_choices():
    return [(zone, zone.replace("_", " ")) for zone in time_zones()]


class ScheduleForm(Form):
    timezone = SelectField(_l("Time zone"), choices=_zone_choices, validate_choice=False)

    def day(self, weekday: int):
        return getattr(self, f"enabled_{weekday}"), getattr(self, f"time_{weekday}")


for _weekday in WEEKDAYS:
    setattr(ScheduleForm, f"enabled_{_weekday}", BooleanField(_day_label(_weekday)))
    setattr(ScheduleForm, f"time_{_weekday}", TimeField(
        _l("Time"), format=["%H:%M", "%H:%M:%S"], invalid_value_message=_l("Enter a time such as 07:30."),
        validators=[InputRequired(_l("Enter a time such as 07:30."))],
    ))


class ActionForm(Form):
    """A button that only needs the CSRF token (send the link again, reset the feed address, undo)."""
