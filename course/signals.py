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


def tick_job(name: str):
    """Make `work()` a scheduler_tick receiver that never stops the worker: a
    failure is logged as "<name> failed" and rolled back (the next tick tries
    again), the session is removed either way, and the line `work` returns
    (if any) is logged."""
    from functools import wraps

    def decorate(work):
        @wraps(work)
        def receiver(_app, **_extra) -> None:
            from flask import current_app

            from .extensions import db

            try:
                line = work()
            except Exception:  # noqa: BLE001 - the worker keeps running
                current_app.logger.exception("%s failed", name)
                db.session.rollback()
                return
            finally:
                db.session.remove()
            if line:
                current_app.logger.info("%s", line)

        return receiver

    return decorate
