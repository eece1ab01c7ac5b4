"""`flask users create`, exactly as SPEC.md gives it."""
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from course.extensions import db
from course.models import User

ROOT = Path(__file__).resolve().parent.parent


def test_create_an_admin_with_the_password_from_stdin(app, runner):
    result = runner.invoke(args=["users", "create", "Boss@Example.com", "--role", "admin", "--name", "The Boss",
                                 "--lang", "pl", "--timezone", "Europe/Warsaw", "--password-stdin"],
                           input="a-long-password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.email, user.role, user.name, user.lang, user.timezone) == ("boss@example.com", "admin", "The Boss", "pl", "Europe/Warsaw")
        assert user.email_confirmed_at is not None
        assert user.check_password("a-long-password")


def test_create_prompts_for_the_password_twice(app, runner):
    result = runner.invoke(args=["users", "create", "teach@example.com", "--role", "instructor"],
                           input="a-long-password\na-long-password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(User.role)) == "instructor"


def test_bad_arguments_are_clear_and_write_nothing(app, runner, db_rows):
    cases = [
        (["users", "create", "not-an-email", "--role", "learner", "--password-stdin"], "valid email address"),
        (["users", "create", "a@example.com", "--role", "wizard", "--password-stdin"], "wizard"),
        (["users", "create", "a@example.com", "--role", "learner", "--lang", "de", "--password-stdin"], "de"),
        (["users", "create", "a@example.com", "--role", "learner", "--timezone", "Mars/Base", "--password-stdin"], "time zone"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args, input="a-long-password\n")
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output
    result = runner.invoke(args=["users", "create", "a@example.com", "--role", "learner", "--password-stdin"], input="short\n")
    assert result.exit_code == 2 and "at least 8 characters" in result.output
    assert db_rows("SELECT count(*) FROM users") == 0


def test_an_existing_email_is_refused(app, runner, make_user):
    make_user(email="a@example.com")
    result = runner.invoke(args=["users", "create", "a@example.com", "--role", "admin", "--password-stdin"], input="a-long-password\n")
    assert result.exit_code == 2 and "already exists" in result.output


def test_the_real_command_line_works_end_to_end(tmp_path, database_url):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": database_url, "SECRET_KEY": "k" * 40, "HOME": str(tmp_path)}
    flask = str(Path(sys.executable).with_name("flask"))
    result = subprocess.run([flask, "--app", "app", "users", "create", "x@example.com", "--role", "learner", "--password-stdin"],
                            input="a-long-password\n", capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Created learner x@example.com" in result.stdout
