"""Every model, imported here so Alembic and the app see the whole schema."""
from .activities import ModuleFeedback, Note, QuizAnswer, QuizAttempt, ReflectionAnswer
from .audit import AuditEvent
from .certificates import Certificate
from .dashboards import DashboardFigure
from .progress import LessonProgress, ModuleCompletion
from .reminders import DeliveryStatus, ReminderDelivery, ReminderSchedule, SchedulerState
from .study import StudyDay
from .throttle import ThrottleEvent
from .types import utcnow
from .users import ROLES, STAFF_ROLES, Account, Role, User
from .xapi import XAPI_STATUSES, XapiStatement, XapiStatus

__all__ = [
    "Account", "AuditEvent", "Certificate", "DashboardFigure", "DeliveryStatus", "LessonProgress", "ModuleCompletion", "ModuleFeedback", "Note",
    "QuizAnswer", "QuizAttempt", "ReflectionAnswer", "ReminderDelivery",
    "ReminderSchedule", "Role", "ROLES", "SchedulerState", "STAFF_ROLES", "ThrottleEvent", "User", "utcnow",
    "StudyDay", "XAPI_STATUSES", "XapiStatement", "XapiStatus",
]
