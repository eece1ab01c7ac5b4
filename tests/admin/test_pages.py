"""The admin pages: learners, one learner, accounts, feedback, quiz insight, audit log."""
import json

import pytest

from course.models import LessonProgress, ModuleFeedback, Note, QuizAnswer, QuizAttempt, ReflectionAnswer
from tests.admin.conftest import at
from tests.conftest import csrf_token_from, make_app


def test_learners_are_paginated_and_searchable(client, admin, make_user):
    for n in range(30):
        make_user(email=f"person{n:02d}@example.com", name=f"Person {n:02d}")
    make_user(email="zed@example.org", name="Zed 100% Ready")
    make_user(email="teacher@example.com", name="Teacher", role="instructor")
    first = client.get("/en/admin/learners").get_data(as_text=True)
    assert first.count('href="/en/admin/learners/') == 25
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert "Teacher" not in first and "Boss" not in first
    second = client.get("/en/admin/learners?page=2").get_data(as_text=True)
    assert second.count('href="/en/admin/learners/') == 6
    found = client.get("/en/admin/learners?q=PERSON0").get_data(as_text=True)
    assert found.count('href="/en/admin/learners/') == 10
    assert "Person 07" in found and "Person 17" not in found
    by_email = client.get("/en/admin/learners?q=example.org").get_data(as_text=True)
    assert "Zed 100% Ready" in by_email and by_email.count('href="/en/admin/learners/') == 1
    literal = client.get("/en/admin/learners?q=100%25").get_data(as_text=True)
    assert literal.count('href="/en/admin/learners/') == 1  # % is a character, not a wildcard
    none = client.get("/en/admin/learners?q=nobody").get_data(as_text=True)
    assert "No learner matches “nobody”." in none
    for odd in ("0", "-3", "abc", "999"):
        assert client.get(f"/en/admin/learners?page={odd}").status_code == 200


def test_the_learners_table_shows_progress_per_module(client, admin, make_user, add):
    ada = make_user(email="ada@example.com", name="Ada", lang="pl")
    add(LessonProgress(user_id=ada, module_id="complaints", lesson_id="tactics",
                       first_opened_at=at("2026-03-01 10:00"), last_opened_at=at("2026-03-01 10:00"),
                       completed_at=at("2026-03-01 10:30")))
    page = client.get("/en/admin/learners").get_data(as_text=True)
    assert "Polski" in page
    assert "Lessons 1/6" in page
    assert page.count("Not started") == 3


def test_the_learner_page_shows_progress_but_not_private_writing(client, admin, make_user, add):
    ada = make_user(email="ada@example.com", name="Ada")
    add(
        LessonProgress(user_id=ada, module_id="complaints", lesson_id="tactics",
                       first_opened_at=at("2026-03-01 10:00"), last_opened_at=at("2026-03-01 10:00")),
        ReflectionAnswer(user_id=ada, module_id="complaints", lesson_id="tactics", exercise_id="tactics-practice",
                         prompt_id="thank", text="MY SECRET REFLECTION"),
        Note(user_id=ada, module_id="complaints", lesson_id="tactics", text="MY PRIVATE NOTE"),
        QuizAttempt(user_id=ada, module_id="complaints", quiz_id="complaints-final", lang="en",
                    submission_token="x", score=62.5, passed=False, submitted_at=at("2026-03-02 09:00")),
    )
    page = client.get(f"/en/admin/learners/{ada}").get_data(as_text=True)
    assert "ada@example.com" in page
    assert "Complaints: final quiz" in page and "62.5%" in page and "Not passed" in page
    assert "TACTICS" in page  # the lesson list
    assert "MY SECRET REFLECTION" not in page and "MY PRIVATE NOTE" not in page


def test_an_unknown_learner_is_404(client, admin):
    assert client.get("/en/admin/learners/999").status_code == 404


def test_promote_a_learner_and_audit_it(client, admin, make_user, db_rows):
    ada = make_user(email="ada@example.com", name="Ada")
    response = client.post(f"/en/admin/learners/{ada}/role", data={"role": "instructor"})
    assert response.status_code == 302
    assert db_rows("SELECT role FROM users WHERE id = :id", id=ada) == "instructor"
    assert "Ada is now: Instructor." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db_rows("SELECT action FROM audit_log") == "role_change"
    details = json.loads(db_rows("SELECT details FROM audit_log"))
    assert details == {"user_id": ada, "email": "ada@example.com", "from": "learner", "to": "instructor"}
    client.post(f"/en/admin/learners/{ada}/role", data={"role": "instructor"})  # no change, no entry
    assert db_rows("SELECT count(*) FROM audit_log") == 1


def test_a_bad_role_is_refused_with_a_message(client, admin, make_user, db_rows):
    ada = make_user(email="ada@example.com")
    response = client.post(f"/en/admin/learners/{ada}/role", data={"role": "emperor"})
    assert response.status_code == 422
    assert "Choose a role" in response.get_data(as_text=True)
    assert db_rows("SELECT role FROM users WHERE id = :id", id=ada) == "learner"


def test_an_admin_cannot_change_their_own_role_or_access(client, admin, db_rows):
    response = client.post(f"/en/admin/learners/{admin}/role", data={"role": "learner"}, follow_redirects=True)
    assert "You cannot change your own role" in response.get_data(as_text=True)
    client.post(f"/en/admin/learners/{admin}/status", data={"action": "deactivate"})
    assert db_rows("SELECT role FROM users WHERE id = :id", id=admin) == "admin"
    assert db_rows("SELECT active FROM users WHERE id = :id", id=admin) == 1  # (PostgreSQL: True, equal to 1)
    assert db_rows("SELECT count(*) FROM audit_log") == 0


def test_deactivate_and_reactivate_an_account(client, admin, make_user, db_rows):
    ada = make_user(email="ada@example.com", name="Ada")
    response = client.post(f"/en/admin/learners/{ada}/status", data={"action": "deactivate"}, follow_redirects=True)
    assert "they can no longer sign in" in response.get_data(as_text=True)
    assert db_rows("SELECT active FROM users WHERE id = :id", id=ada) == 0
    client.post(f"/en/admin/learners/{ada}/status", data={"action": "reactivate"})
    assert db_rows("SELECT active FROM users WHERE id = :id", id=ada) == 1
    assert db_rows("SELECT count(*) FROM audit_log") == 2
    assert db_rows("SELECT action FROM audit_log ORDER BY id LIMIT 1") == "deactivate"
    assert db_rows("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1") == "reactivate"
    assert client.post(f"/en/admin/learners/{ada}/status", data={"action": "explode"}).status_code == 400


def test_role_and_status_forms_need_a_csrf_token(db_path, tmp_path, make_user):
    app = make_app(db_path, WTF_CSRF_ENABLED=True, OUTBOX_DIR=str(tmp_path / "outbox"))
    client = app.test_client()
    with app.app_context():
        from course.auth.accounts import create_user

        create_user("boss@example.com", "correct horse battery", role="admin", confirmed=True)
        ada = create_user("ada@example.com", "correct horse battery", confirmed=True).id
    token = csrf_token_from(client.get("/en/login").get_data(as_text=True))
    client.post("/en/login", data={"email": "boss@example.com", "password": "correct horse battery",
                                   "csrf_token": token})
    assert client.post(f"/en/admin/learners/{ada}/role", data={"role": "admin"}).status_code == 400
    assert client.post(f"/en/admin/learners/{ada}/status", data={"action": "deactivate"}).status_code == 400
    page = client.get(f"/en/admin/learners/{ada}").get_data(as_text=True)
    token = csrf_token_from(page)
    # Role, access and sign-out forms each carry the token; ids stay unique (none on a token).
    assert page.count('name="csrf_token"') == 3 and 'id="csrf_token"' not in page
    assert client.post(f"/en/admin/learners/{ada}/role", data={"role": "admin", "csrf_token": token}).status_code == 302
    with app.app_context():
        from course.extensions import db
        from course.models import User

        assert db.session.get(User, ada).role == "admin"
        db.session.remove()
        db.engine.dispose()


def test_accounts_page_filters_by_role(client, admin, make_user):
    make_user(email="teacher@example.com", name="Teacher", role="instructor")
    make_user(email="ada@example.com", name="Ada")
    page = client.get("/en/admin/users?role=instructor").get_data(as_text=True)
    assert "Teacher" in page and "ada@example.com" not in page
    everyone = client.get("/en/admin/users").get_data(as_text=True)
    assert all(name in everyone for name in ("Teacher", "Ada", "Boss"))


def test_feedback_page_shows_averages_and_comments(client, admin, make_user, add):
    ada = make_user(email="ada@example.com", name="Ada")
    bob = make_user(email="bob@example.com", name="Bob")
    add(ModuleFeedback(user_id=ada, module_id="complaints", lang="en", rating=5, comment="Very useful <b>"),
        ModuleFeedback(user_id=bob, module_id="complaints", lang="it", rating=4, comment=""),
        ModuleFeedback(user_id=bob, module_id="customer-needs", lang="it", rating=2, comment="Too long"))
    page = client.get("/en/admin/feedback").get_data(as_text=True)
    assert "4.5" in page and "2.0" in page
    assert "Very useful &lt;b&gt;" in page and "Too long" in page
    only = client.get("/en/admin/feedback?module=customer-needs").get_data(as_text=True)
    assert "Too long" in only and "Very useful" not in only


def test_quiz_insight_counts_learners_and_first_attempts(client, instructor, make_user, add):
    ada = make_user(email="ada@example.com")
    bob = make_user(email="bob@example.com")

    def attempt(user, token, when, answers):
        a = QuizAttempt(user_id=user, module_id="external-customers", quiz_id="john-lewis", lang="en",
                        submission_token=token, score=0, passed=False, submitted_at=at(when))
        a.answers = [QuizAnswer(question_id=q, response="[]", correct=c) for q, c in answers.items()]
        return a

    from course.content import get_content
    with client.application.app_context():
        quiz, _ = get_content().course("en").quiz("john-lewis")
    q1, q2 = quiz.questions[0].id, quiz.questions[1].id
    add(attempt(ada, "a1", "2026-03-01 10:00", {q1: False, q2: True}),
        attempt(ada, "a2", "2026-03-01 11:00", {q1: True, q2: True}),
        attempt(bob, "b1", "2026-03-01 12:00", {q1: True, q2: None}))
    page = client.get("/en/admin/quizzes").get_data(as_text=True)
    section = page.split('id="quiz-john-lewis"')[1].split("</section>")[0]
    assert "2 learners took it" in section and "3 attempts" in section
    rows = section.split("<tr>")[2:]
    assert ">2<" in rows[0] and "50%" in rows[0] and "(1/2)" in rows[0]      # q1: Ada wrong first, Bob right
    assert ">2<" in rows[1] and "100%" in rows[1] and "(1/1)" in rows[1]    # q2: Bob's waits for his verdict


def test_the_audit_page_lists_exports_and_role_changes(client, admin, make_user, runner):
    ada = make_user(email="ada@example.com", name="Ada")
    client.get("/en/admin/export?format=csv&module=complaints&lang=it&since=2026-01-01")
    client.post(f"/en/admin/learners/{ada}/role", data={"role": "admin"})
    runner.invoke(args=["export", "completions", "--format", "xapi"])
    page = client.get("/en/admin/audit").get_data(as_text=True)
    assert page.count("<tr>") == 4
    assert "Completion records exported" in page and "Role changed" in page
    assert "module complaints" in page and "Italiano" in page and "from 2026-01-01" in page
    assert "Command line" in page and "xAPI" in page and "no filters" in page
    assert "Learner → Administrator" in page
    only_roles = client.get("/en/admin/audit?action=role_change").get_data(as_text=True)
    assert only_roles.count("<tr>") == 2


@pytest.mark.parametrize("lang, word", [("it", "Studenti"), ("es", "Estudiantes"), ("pl", "Uczestnicy")])
def test_the_admin_pages_are_translated(client, admin, lang, word):
    assert word in client.get(f"/{lang}/admin/learners").get_data(as_text=True)
