"""Signals one area sends and others may listen to, so areas stay apart."""
from blinker import Namespace

_signals = Namespace()

#: Sent with the new User (sender: the app) once an account is created from
#: the registration form; e.g. the reminders area sends the confirmation email.
user_registered = _signals.signal("user-registered")
#: Sent with (user, module_id) when a learner completes a module.
module_completed = _signals.signal("module-completed")
#: Sent with the user (sender) when a learner first completes the whole course.
course_completed = _signals.signal("course-completed")
