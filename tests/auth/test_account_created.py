"""The account_created signal: every way of creating an account sends it, in
the account's own transaction, and the reminders area gives the account its
default week from it."""
from sqlalchemy import func, select

from course.extensions import db
from course.models import ReminderSchedule, User
from course.signals import account_created

DEFAULT_WEEK = [(True, 420)] * 5 + [(False, 420)] * 2


def week(app, email):
    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.email == email))
        rows = db.session.scalars(select(ReminderSchedule).where(ReminderSchedule.user_id == uid)
                                  .order_by(ReminderSchedule.weekday))
        return [(r.enabled, r.minute) for r in rows]


def test_the_command_line_and_the_form_both_send_it(app, client, runner):
    received = []

    def receiver(user, **extra):
        received.append((user.email, user.id is not None))

    account_created.connect(receiver)
    try:
        result = runner.invoke(args=["users", "create", "cli@example.org", "--role", "learner", "--password-stdin"],
                               input="long enough password\n")
        assert result.exit_code == 0, result.output
        client.post("/en/register", data={"name": "Web", "email": "web@example.org",
                                          "password": "long enough password", "lang": "en", "timezone": "UTC"})
    finally:
        account_created.disconnect(receiver)
    assert received == [("cli@example.org", True), ("web@example.org", True)]
    assert week(app, "cli@example.org") == DEFAULT_WEEK
    assert week(app, "web@example.org") == DEFAULT_WEEK


def test_a_receiver_that_fails_leaves_no_account_behind(app):
    from course.auth.accounts import create_user

    def broken(user, **extra):
        raise RuntimeError("an area failed")

    account_created.connect(broken)
    try:
        with app.app_context():
            try:
                create_user("half@example.org", "long enough password")
            except RuntimeError:
                db.session.rollback()
            assert db.session.scalar(select(func.count()).select_from(User)) == 0
            assert db.session.scalar(select(func.count()).select_from(ReminderSchedule)) == 0
    finally:
        account_created.disconnect(broken)
