"""Inputs that once answered 500: each now answers 4xx (or works)."""
import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import Note, ReflectionAnswer

LESSON = "/en/modules/external-customers/delivering-excellent-service"


@pytest.mark.parametrize("query", ["_method=POST", "_external=1", "_scheme=javascript", "_anchor=x", "_external=&_scheme=ftp"])
@pytest.mark.parametrize("path", ["/en/", LESSON, "/en/login", "/it/register"])
def test_reserved_url_for_names_in_the_query_are_ordinary_values(client, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # The language switcher keeps the query as a query, never as url_for's options.
    assert "javascript:" not in page
    key = query.split("=", 1)[0]
    assert f"?{key}=" in page


def test_the_export_filter_until_the_last_day_of_the_calendar(client, make_user, auth, runner):
    make_user(email="boss@example.com", role="admin")
    auth.login("boss@example.com")
    response = client.get("/en/admin/export?format=csv&until=9999-12-31")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).count("\r\n") == 1  # the header row: nobody has completed anything
    result = runner.invoke(args=["export", "completions", "--format", "csv", "--until", "9999-12-31"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("kind", ["notes", "reflection"])
def test_a_lone_surrogate_in_autosave_json_is_saved_as_a_replacement_character(client, learner, app, kind):
    if kind == "notes":
        url, body = f"{LESSON}/notes", '{"text": "before \\ud800 after"}'
    else:
        url, body = f"{LESSON}/reflections/face-to-face", '{"answers": {"situation": "before \\udfff after"}}'
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["ok"] is True
    with app.app_context():
        model = Note if kind == "notes" else ReflectionAnswer
        assert db.session.scalar(select(model.text)) == "before \ufffd after"


def test_a_surrogate_pair_written_as_escapes_is_one_character(client, learner, app):
    response = client.post(f"{LESSON}/notes", data='{"text": "\\ud83d\\ude00"}', content_type="application/json")
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Note.text)) == "\U0001F600"


@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000])
def test_json_nested_far_too_deep_is_a_bad_request(client, learner, body):
    response = client.post(f"{LESSON}/notes", data=body, content_type="application/json")
    assert response.status_code == 400


def test_an_admin_learner_id_beyond_any_database_integer_is_not_found(client, make_user, auth):
    make_user(email="boss@example.com", role="admin")
    auth.login("boss@example.com")
    assert client.get("/en/admin/learners/12345678901234567890").status_code == 404
    assert client.post("/en/admin/learners/12345678901234567890/status", data={}).status_code == 404
    assert client.get("/en/admin/learners/9223372036854775807").status_code == 404
    assert client.get("/en/admin/learners/2147483648").status_code == 404  # PostgreSQL's INTEGER ends at 2**31 - 1
    assert client.get("/en/admin/learners/2147483647").status_code == 404  # the largest id: a query finds none


def test_the_500_page_rolls_back_the_session_and_renders(app, client, make_user, auth):
    """A view fails half-way through a transaction (a flush breaks a unique
    constraint): the error page still renders, reading the signed-in user
    through the same session, and the half-done change is not kept."""
    from flask_login import current_user

    from course.models import User

    @app.get("/en/test-broken")
    def broken():
        db.session.commit()  # the signed-in user's attributes now expire: the page must load them again
        current_user.name = "Changed"
        db.session.add(User(email="ada@example.com", name="Twin", password_hash="x"))
        db.session.flush()
        return "unreachable"

    learner = make_user(email="ada@example.com", name="Ada")
    auth.login("ada@example.com")
    app.testing = False  # errors go to the 500 handler, as in production
    response = client.get("/en/test-broken")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert "Sign out" in page  # the menu still knows who is signed in
    with app.app_context():
        assert db.session.get(User, learner).name == "Ada"
