"""Signals one area sends and others may listen to, so areas stay apart."""
from blinker import Namespace

_signals = Namespace()

#: Sent with the new User (as sender) inside the transaction that creates an
#: account, from the registration form and `flask users create` alike:
#: receivers add what their area keeps for every account to db.session (e.g.
#: reminders: the default week) and create_user commits it all at once.
account_created = _signals.signal("account-created")
#: Sent with the new User (as sender) once a visitor has registered in the
#: browser and is signed in (after account_created and the confirmation email).
user_registered = _signals.signal("user-registered")
#: Sent with (user, module_id) when a learner completes a module.
module_completed = _signals.signal("module-completed")
#: Sent with the user (sender) when a learner first completes the whole course.
course_completed = _signals.signal("course-completed")
#: Sent (sender: the app) by the scheduler process (`reminders run`) once a
#: minute, after its reminders: other periodic work hangs on it.
scheduler_tick = _signals.signal("scheduler-tick")
