"""A property-based walk over every route of the URL map, as a visitor, a
learner, an instructor and an administrator: hostile values in the path
parameters, query keys and values, form fields and JSON bodies. Nothing may
answer 5xx.

Each Hypothesis example walks every rule once for the role, so every route
is exercised in every run; the values differ from example to example.
Bounded: derandomized (the same walk every run, so main stays green or red,
never flaky), no shrinking (the failing request is named in full instead),
AULA_FUZZ_EXAMPLES examples per role (default 2; raise it for a deeper run).
"""
import json
import os
from urllib.parse import quote, urlencode

import pytest
from flask import session
from flask_login import login_user
from hypothesis import HealthCheck, Phase, given, settings, strategies as st
from sqlalchemy import update

from course.content import get_content
from course.extensions import db
from course.i18n import LANGUAGES
from course.models import User

EXAMPLES = int(os.environ.get("AULA_FUZZ_EXAMPLES", "2"))

HOSTILE = [
    "", " ", "0", "-1", "1", "2", "99999999999999999999", "1e309", "NaN", "null", "true", "[]", "{}",
    "9999-12-31", "0001-01-01", "2026-02-30", "../../etc/passwd", "..%2F..", "\x00", "\ud800", "\udfff",
    "a" * 300, "<script>alert(1)</script>", "' OR 1=1 --", "\r\nX-Injected: 1", "//evil.example/",
    "javascript:alert(1)", "\u202e", "😀", "\t", "%", "%zz", "{{7*7}}", "${7*7}", "_method", "_external",
    "_scheme", "_anchor", "https://evil.example", "/en/", "csv", "jsonl", "xapi", "admin", "learner",
    "Europe/Rome", "Mars/Olympus", "it", "pl",
]
FIELDS = [
    "email", "password", "name", "lang", "timezone", "next", "text", "role", "active", "rating", "comment",
    "current_password", "new_password", "format", "module", "since", "until", "submission_token", "shift",
    "save_profile", "change_password", "q", "page", "action", "status", "remember", "verdict", "token",
    "_method", "_external", "_scheme", "_anchor", "csrf_token", "answers", "p-situation", "mon-enabled",
]

hostile_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
              st.floats(allow_nan=False), hostile_text),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.one_of(st.sampled_from(FIELDS), hostile_text), children, max_size=4)),
    max_leaves=12,
)


def _raw(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _valid_values(app) -> dict[str, list[str]]:
    """Real ids, so the walk also reaches past the lookups."""
    with app.app_context():
        view = get_content().course("en")
    lessons = [ref for module in view.modules for ref in module.lessons]
    return {
        "lang": list(LANGUAGES),
        "module_id": [m.id for m in view.modules],
        "lesson_id": [ref.id for ref in lessons],
        "exercise_id": sorted({b.id for ref in lessons for b in ref.lesson.blocks if b.type == "reflection"}),
        "quiz_id": [m.final_quiz.id for m in view.modules] + sorted(
            {b.id for ref in lessons for b in ref.lesson.blocks if b.type == "quiz"}),
        "user_id": ["1", "2", "3", "4"],
        "attempt_id": ["1", "2"],
        "filename": ["style.css", "aula.js", "favicon.svg"],
    }


def _path_value(name: str, valid: dict):
    real = valid.get(name, [])
    hostile = hostile_text if name != "lang" else st.sampled_from(["xx", "EN", "", "\ud800"])
    return st.one_of(st.sampled_from(real), hostile) if real else hostile


@st.composite
def hostile_request(draw, rule, valid):
    methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
    method = draw(st.sampled_from(methods))
    path = rule.rule
    for name in rule.arguments:
        value = draw(_path_value(name, valid))
        encoded = quote(_raw(value), safe="") or "x"
        path = path.replace(f"<{name}>", encoded)
        for converter in ("int", "path", "int(max=2147483647)"):
            path = path.replace(f"<{converter}:{name}>", encoded)
    query = draw(st.lists(st.tuples(st.one_of(st.sampled_from(FIELDS), hostile_text), hostile_text), max_size=4))
    if query:
        path += "?" + urlencode([(_raw(k), _raw(v)) for k, v in query])
    body, content_type = None, None
    if method != "GET":
        kind = draw(st.sampled_from(["none", "form", "json", "deep", "raw"]))
        if kind == "form":
            fields = draw(st.lists(st.tuples(st.sampled_from(FIELDS), hostile_text), max_size=8))
            body, content_type = urlencode([(_raw(k), _raw(v)) for k, v in fields]), "application/x-www-form-urlencoded"
        elif kind == "json":
            body, content_type = json.dumps(draw(json_values)), "application/json"
        elif kind == "deep":
            depth = draw(st.sampled_from([1_000, 100_000]))
            body, content_type = "[" * depth + "]" * depth, "application/json"
        elif kind == "raw":
            body = draw(st.binary(max_size=64))
            content_type = draw(st.sampled_from(["application/json", "multipart/form-data; boundary=x",
                                                 "application/x-www-form-urlencoded", "text/plain"]))
    return method, path, body, content_type


def _roles(make_user):
    return {
        "visitor": None,
        "learner": make_user(email="fuzz-learner@example.com", role="learner"),
        "instructor": make_user(email="fuzz-instructor@example.com", role="instructor"),
        "admin": make_user(email="fuzz-admin@example.com", role="admin"),
    }


def _sign_in(app, client, user_id):
    """Sign the client in through the app's own login_user (no HTTP request:
    the walk's own failed sign-ins must not lock the account out)."""
    client.delete_cookie("session")
    client.delete_cookie("remember_token")
    if user_id is None:
        return
    with app.test_request_context():
        user = db.session.get(User, user_id)
        if not login_user(user):
            return
        data = dict(session)
    with client.session_transaction() as sess:
        sess.update(data)


@pytest.mark.parametrize("role", ["visitor", "learner", "instructor", "admin"])
def test_no_route_answers_5xx(app, make_user, role):
    app.testing = False  # an exception answers 500, as in production, instead of reaching the test
    users = _roles(make_user)
    user_id = users[role]
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    valid = _valid_values(app)
    client = app.test_client()

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(st.data())
    def walk(data):
        with app.app_context():  # the admin's fuzzed forms may have demoted or deactivated someone
            roles = {"learner": "learner", "instructor": "instructor", "admin": "admin"}
            for name, uid in users.items():
                if uid is not None:
                    db.session.execute(update(User).where(User.id == uid).values(active=True, role=roles[name]))
            db.session.commit()
        for rule in rules:
            method, path, body, content_type = data.draw(hostile_request(rule, valid), label=rule.endpoint)
            _sign_in(app, client, user_id)
            response = client.open(path, method=method, data=body, content_type=content_type,
                                   environ_base={"REMOTE_ADDR": "198.51.100.7"})
            status = response.status_code
            response.close()  # file responses (static files, media) hold their file open until closed
            assert status < 500, f"{role}: {method} {path} ({content_type}) {body!r:.300} answered {status}"

    walk()
