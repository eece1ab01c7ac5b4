"""Done when: each statement kind arrives in a real LRS (Ralph) with the
right verb, score and ids, recorded in the same transaction as the event."""
import json

from sqlalchemy import text

from course.i18n import LANGUAGES
from tests.activities.conftest import JL_LESSON, M1, REFLECTION_LESSON, right_answers, token_from, wrong_answers
from tests.activities.test_quizzes import complete_module_lessons
from tests.admin import xapi_rules

VERB = "http://adlnet.gov/expapi/verbs/"


def verbs(rows):
    return [(r["verb"], json.loads(r["payload"])["object"]["id"].split("/xapi/", 1)[1]) for r in rows]


def submit(client, url, data):
    return client.post(url, data={**data, "submission_token": token_from(client.get(url).get_data(as_text=True))})


def test_a_reflection_first_saved_is_responded_without_the_text(client, learner, course, outbox, push, ralph,
                                                                  base_url):
    block = next(b for b in course().lesson(REFLECTION_LESSON).lesson.blocks if b.type == "reflection")
    url = f"/en/modules/{M1}/{REFLECTION_LESSON}/reflections/{block.id}"
    client.post(url, data={f"p-{block.prompts[0].id}": "My private words"})
    client.post(url, data={f"p-{block.prompts[0].id}": "My private words, edited"})
    rows = outbox()
    assert verbs(rows) == [("responded", f"modules/{M1}/lessons/{REFLECTION_LESSON}/reflections/{block.id}")]
    assert "private" not in rows[0]["payload"]

    report = push()
    assert (report.sent, report.failed, report.retrying) == (1, 0, 0)
    stored = ralph.statement(rows[0]["statement_id"])
    assert stored["verb"]["id"] == VERB + "responded"
    assert stored["actor"]["account"] == {"homePage": base_url, "name": str(learner)}
    assert stored["object"]["definition"]["interactionType"] == "long-fill-in"
    assert set(stored["object"]["definition"]["name"]) == set(LANGUAGES)
    assert "result" not in stored
    assert outbox()[0]["status"] == "sent"


def test_a_quiz_attempt_is_answered_with_its_score_then_failed_or_passed(client, learner, course, outbox, push,
                                                                           ralph, base_url):
    view = course()
    quiz = view.module(M1).final_quiz
    submit(client, f"/en/modules/{M1}/quiz", wrong_answers(quiz))
    submit(client, f"/en/modules/{M1}/quiz", wrong_answers(quiz))
    submit(client, f"/en/modules/{M1}/quiz", right_answers(quiz))
    quiz_iri = f"modules/{M1}/quizzes/{quiz.id}"
    assert verbs(outbox()) == [("answered", quiz_iri), ("failed", quiz_iri)] * 2 + \
        [("answered", quiz_iri), ("passed", quiz_iri)]
    assert push().sent == 6

    statements = {r["statement_id"]: ralph.statement(r["statement_id"]) for r in outbox()}
    assert all(xapi_rules.problems(s) == [] for s in statements.values())
    answered = [s for s in statements.values() if s["verb"]["id"] == VERB + "answered"]
    assert [s["result"]["score"]["raw"] for s in answered] == [0, 0, 100]
    assert [s["result"]["success"] for s in answered] == [False, False, True]
    passed = next(s for s in statements.values() if s["verb"]["id"] == VERB + "passed")
    assert passed["result"] == {"completion": True, "success": True,
                                "score": {"scaled": 1.0, "raw": 100, "min": 0, "max": 100}}
    assert passed["context"]["contextActivities"]["parent"] == [
        {"objectType": "Activity", "id": f"{base_url}/xapi/modules/{M1}"}]
    assert len(statements) == 6  # every attempt its own ids


def test_lessons_module_and_course_completed_and_the_export_gives_the_same_ids(app, client, learner, course,
                                                                               outbox, push, ralph, runner):
    view = course()
    for module in view.modules:
        complete_module_lessons(client, view, module.id)
        submit(client, f"/en/modules/{module.id}/quiz", right_answers(module.final_quiz))
    rows = outbox()
    kinds = verbs(rows)
    lessons = [ref for m in view.modules for ref in m.lessons if not ref.lesson.is_draft]
    assert sum(1 for verb, iri in kinds if verb == "completed" and "/lessons/" in iri) == len(lessons)
    assert [iri for verb, iri in kinds if verb == "completed" and iri.startswith("modules/") and iri.count("/") == 1] == \
        [f"modules/{m.id}" for m in view.modules]
    assert kinds[-1] == ("completed", f"courses/{view.course.id}")
    assert len({r["statement_id"] for r in rows}) == len(rows)

    report = push()
    assert (report.sent, report.failed) == (len(rows), 0)
    for row in rows:
        stored = ralph.statement(row["statement_id"])
        assert stored is not None, row["payload"]
        assert stored["verb"]["id"] == VERB + row["verb"]

    # A bulk export of the same facts gives the same ids: the LRS keeps one copy.
    exported = [s for s in json.loads(runner.invoke(args=["export", "completions", "--format", "xapi"]).output)
                if s["verb"]["id"] != "http://id.tincanapi.com/verb/earned"]  # the certificate: not a live statement
    live = {r["statement_id"] for r in rows}
    assert len(exported) == 2 * len(view.modules)
    assert {s["id"] for s in exported} <= live
    for statement in exported:
        assert ralph.statement(statement["id"])["object"]["id"] == statement["object"]["id"]


def test_the_lesson_quiz_and_its_lesson_complete_in_one_transaction(client, learner, course, outbox, db_rows):
    quiz_id = next(b.quiz for b in course().lesson(JL_LESSON).lesson.blocks if b.type == "quiz")
    submit(client, f"/en/quizzes/{quiz_id}", right_answers(course().quiz(quiz_id)[0]))
    kinds = verbs(outbox())
    assert ("answered", f"modules/{M1}/quizzes/{quiz_id}") in kinds
    assert ("completed", f"modules/{M1}/lessons/{JL_LESSON}") in kinds
    # Every statement row belongs to a committed event: none without its attempt or progress row.
    assert db_rows("SELECT count(*) FROM quiz_attempts") == 1
    assert db_rows("SELECT count(*) FROM lesson_progress WHERE completed_at IS NOT NULL") == 1


def test_an_event_rolled_back_leaves_no_statement(app, learner, outbox):
    from course.extensions import db
    from course.models import LessonProgress, utcnow

    with app.app_context():
        db.session.add(LessonProgress(user_id=learner, module_id=M1, lesson_id=JL_LESSON, completed_at=utcnow()))
        db.session.flush()
        assert db.session.execute(text("SELECT count(*) FROM xapi_statements")).scalar() == 1
        db.session.rollback()
    assert outbox() == []


def test_nothing_is_recorded_or_sent_without_an_lrs(app, client, learner, outbox, runner):
    app.config["XAPI_LRS_URL"] = ""
    client.post(f"/en/modules/{M1}/{REFLECTION_LESSON}/complete", data={"action": "complete"})
    client.post(f"/en/modules/{M1}/customer-vs-consumer/complete", data={"action": "complete"})
    assert outbox() == []
    result = runner.invoke(args=["xapi", "push"])
    assert result.exit_code == 0
    assert result.output == "xapi: XAPI_LRS_URL is not set: no statements are recorded or sent\n"
