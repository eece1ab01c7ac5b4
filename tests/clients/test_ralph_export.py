"""The xAPI export (`flask export completions --format xapi`) posted to Ralph,
a real Learning Record Store, started by the test on 127.0.0.1 (tests/ralph.py):
accepted, read back equal, and posting it again keeps one copy of each."""
import base64
import json
import urllib.request
import uuid

import pytest

from tests.ralph import ralph  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.clients]  # slow and real: not in the quick suite


@pytest.fixture
def app_config():
    # Another BASE_URL per run: the learners are other agents than earlier runs' in the same Ralph.
    return {"BASE_URL": f"http://aula-{uuid.uuid4().hex[:10]}.test"}


def post(lrs, statements) -> tuple[int, bytes]:
    token = base64.b64encode(f"{lrs.key}:{lrs.secret}".encode()).decode()
    request = urllib.request.Request(lrs.url + "statements", data=json.dumps(statements).encode(), method="POST",
                                     headers={"Authorization": f"Basic {token}", "Content-Type": "application/json",
                                              "X-Experience-API-Version": "1.0.3"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read()


def test_ralph_accepts_the_export_and_keeps_one_copy(app, runner, make_user, ralph, tmp_path):  # noqa: F811
    from course.extensions import db
    from course.models import ModuleCompletion, QuizAttempt, utcnow

    learners = [make_user(email="ada@example.com", name="Ada", lang="it"),
                make_user(email="bob@example.com", name="Bob", lang="pl")]
    with app.app_context():
        for number, user_id in enumerate(learners):
            db.session.add_all([
                QuizAttempt(user_id=user_id, module_id="complaints", quiz_id="complaints-final", lang="it",
                            submission_token=f"t{number}", score=90 - number * 40, passed=number == 0),
                ModuleCompletion(user_id=user_id, module_id="complaints", completed_at=utcnow()),
            ])
        db.session.commit()
        base_url = app.config["BASE_URL"]
    out = tmp_path / "lrs.json"
    result = runner.invoke(args=["export", "completions", "--format", "xapi", "--output", str(out)])
    assert result.exit_code == 0, result.output
    statements = json.loads(out.read_text(encoding="utf-8"))
    assert len(statements) >= 3

    status, body = post(ralph, statements)
    assert status == 200 and json.loads(body) == [s["id"] for s in statements]
    for sent in statements:
        stored = ralph.statement(sent["id"])
        assert {key: stored[key] for key in sent} == sent  # Ralph adds only `stored` and `authority`
    assert post(ralph, statements)[0] == 204  # the same statements again: nothing new
    for user_id in learners:
        kept = ralph.statements_of(base_url, str(user_id))
        assert sorted(s["id"] for s in kept) == sorted(s["id"] for s in statements
                                                         if s["actor"]["account"]["name"] == str(user_id))
