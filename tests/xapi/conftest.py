"""The xAPI tests run the app against a real LRS (Ralph, see tests/ralph.py).

Every test gets its own BASE_URL, so its learners are other agents and its
statements other ids than those of earlier tests in the same Ralph."""
import uuid

import pytest

from tests.activities.conftest import course  # noqa: F401  (fixture)
from tests.ralph import ralph  # noqa: F401  (the fixture)


@pytest.fixture
def base_url() -> str:
    return f"http://aula-{uuid.uuid4().hex[:10]}.test"


@pytest.fixture
def app_config(ralph, base_url):  # noqa: F811
    return {"XAPI_LRS_URL": ralph.url, "XAPI_LRS_KEY": ralph.key, "XAPI_LRS_SECRET": ralph.secret,
            "BASE_URL": base_url}


@pytest.fixture
def outbox(app):
    """outbox() -> the outbox rows as dicts, oldest first."""
    def rows(**where):
        from sqlalchemy import select

        from course.extensions import db
        from course.models import XapiStatement

        with app.app_context():
            stmt = select(XapiStatement).order_by(XapiStatement.id)
            for name, value in where.items():
                stmt = stmt.where(getattr(XapiStatement, name) == value)
            return [{c.name: getattr(r, c.name) for c in XapiStatement.__table__.columns}
                    for r in db.session.scalars(stmt)]
    return rows


@pytest.fixture
def push(app):
    """push(now=None) -> the sender's report (as `flask xapi push` runs it)."""
    def run(now=None):
        from course.xapi.sender import push as do_push

        with app.app_context():
            return do_push(now)
    return run
