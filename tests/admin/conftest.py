"""Fixtures of the admin tests: signed-in staff, and rows put straight into the database."""
from datetime import datetime, timezone

import pytest

from course.content import get_content
from course.extensions import db


def at(text: str) -> datetime:
    """'2026-03-01 10:00' as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.fixture
def add(app):
    """add(*model objects): insert them and return their ids."""
    def insert(*objects):
        with app.app_context():
            db.session.add_all(objects)
            db.session.commit()
            return [getattr(o, "id", None) for o in objects]

    return insert


@pytest.fixture
def specs(app):
    from course.admin.records import module_specs

    with app.app_context():
        return module_specs(get_content())


@pytest.fixture
def admin(make_user, auth):
    """A signed-in administrator; returns their user id."""
    user_id = make_user(email="boss@example.com", name="Boss", role="admin")
    auth.login("boss@example.com")
    return user_id


@pytest.fixture
def instructor(make_user, auth):
    user_id = make_user(email="teacher@example.com", name="Teacher", role="instructor")
    auth.login("teacher@example.com")
    return user_id


@pytest.fixture
def in_app(app):
    """Run the test body inside an app context (for the plain functions)."""
    with app.app_context():
        yield app
