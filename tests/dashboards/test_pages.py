"""Done when: the charts show the right figures for a known population, with
a caption and the same figures in a table; learners see only their own."""
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert

from course.dashboards.figures import monday_of
from course.models import (LessonProgress, QuizAnswer, QuizAttempt, ReminderDelivery, StudyDay, User,
                           utcnow)
from tests.activities.conftest import M1

AT = datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc)


def table_rows(html: str, css_class: str) -> list[list[str]]:
    table = re.search(rf'<table class="{css_class}">(.*?)</table>', html, re.S).group(1)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    return [[re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def populate(app, ids: dict, course):
    """A known population, written straight to the tables (as history, not as today's activity)."""
    from course.extensions import db

    view = course()
    lessons = [ref.id for ref in view.module(M1).published_lessons()]
    final = view.module(M1).final_quiz
    q1, q2 = final.questions[0].id, final.questions[1].id
    last_monday = monday_of(utcnow().date()) - timedelta(weeks=1)
    with app.app_context():
        progress = []
        for who, done in (("a", lessons), ("b", lessons), ("staff", lessons), ("c", lessons[:1])):
            progress += [dict(user_id=ids[who], module_id=M1, lesson_id=lesson, first_opened_at=AT,
                              last_opened_at=AT, completed_at=AT) for lesson in done]
        progress.append(dict(user_id=ids["c"], module_id=M1, lesson_id=lessons[1], first_opened_at=AT,
                             last_opened_at=AT, completed_at=None))
        db.session.execute(insert(LessonProgress), progress)
        attempts = [  # (who, passed, {question: right}) in order: the first attempt first
            ("a", False, {q1: True, q2: False}), ("a", True, {q1: True, q2: True}),
            ("b", False, {q1: False, q2: False}), ("staff", True, {q1: True, q2: True}),
        ]
        for n, (who, passed, answers) in enumerate(attempts):
            attempt_id = db.session.execute(insert(QuizAttempt).values(
                user_id=ids[who], module_id=M1, quiz_id=final.id, lang="en", submission_token=f"t{n}",
                score=100.0 if passed else 0.0, correct_count=0, question_count=2, passed=passed,
                submitted_at=AT + timedelta(minutes=n))).inserted_primary_key[0]
            db.session.execute(insert(QuizAnswer), [dict(attempt_id=attempt_id, question_id=q, response="[]",
                                                         correct=right, self_assessed=False)
                                                    for q, right in answers.items()])
        d1, d2, d3 = last_monday, last_monday + timedelta(days=1), last_monday + timedelta(days=2)
        db.session.execute(insert(StudyDay), [
            dict(user_id=ids["a"], day=d1), dict(user_id=ids["a"], day=d2), dict(user_id=ids["b"], day=d1),
            dict(user_id=ids["c"], day=d1 - timedelta(weeks=1)), dict(user_id=ids["staff"], day=d1)])
        db.session.execute(insert(ReminderDelivery), [
            dict(user_id=uid, local_date=day, due_at=AT, status=status, attempts=1)
            for uid, day, status in ((ids["a"], d1, "sent"), (ids["b"], d3, "sent"), (ids["c"], d2, "failed"))])
        db.session.commit()
    return last_monday


def test_the_admin_dashboard_shows_the_figures_of_a_known_population(app, client, auth, make_user, course):
    ids = {who: make_user(email=f"{who}@example.com") for who in ("a", "b", "c", "d")}
    ids["staff"] = make_user(email="staff@example.com", role="admin")
    last_monday = populate(app, ids, course)
    auth.login("staff@example.com")
    response = client.get("/en/admin/dashboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)

    funnel = table_rows(html, "funnel-table")
    assert funnel[0] == ["External customers", "3", "2 (67%)", "1 (33%)"]
    assert all(row[1:] == ["0", "0", "0"] for row in funnel[1:])
    assert "Started:<tspan font-weight=\"700\"> 3</tspan>" in html  # the chart says the same

    quiz = html[html.index("External customers: module quiz"):]
    questions = re.findall(r'<th scope="row">\d+\. .*?</th>\s*<td>(\d+)</td>\s*<td>(\d+)</td>\s*<td>(.*?)</td>',
                           quiz, re.S)
    assert questions[:2] == [("2", "2", "50%"), ("2", "2", "0%")]

    active = table_rows(html, "active-table")  # newest week first
    assert [row[1] for row in active[:3]] == ["0", "2", "1"]
    assert active[1][0] == f"{last_monday:%b} {last_monday.day}, {last_monday.year}"

    assert table_rows(html, "reminder-table") == [["With a reminder that day", "1", "1"],
                                                  ["Without a reminder that day", "3", "3"]]
    assert "25% of the days learners studied were days they got a reminder." in html
    for caption in ("Completion funnel per module", "Learners active per week",
                    "Study on days with and without a reminder"):
        assert f"<caption>{caption}</caption>" in html
    assert html.count('<svg class="chart') == html.count("<figcaption") >= 4


def test_the_dashboard_is_for_administrators(client, auth, make_user):
    make_user(email="learner@example.com")
    make_user(email="teacher@example.com", role="instructor")
    assert client.get("/en/admin/dashboard").status_code == 302
    auth.login("learner@example.com")
    assert client.get("/en/admin/dashboard").status_code == 403
    auth.logout()
    auth.login("teacher@example.com")
    assert client.get("/en/admin/dashboard").status_code == 403


def test_my_progress_shows_my_lessons_scores_study_days_and_next_lesson(app, client, auth, make_user, course):
    view = course()
    me = make_user(email="me@example.com", timezone="Europe/Warsaw")
    other = make_user(email="other@example.com")
    lessons = [ref.id for ref in view.module(M1).published_lessons()]
    from course.extensions import db

    today = utcnow().date()
    with app.app_context():
        db.session.execute(insert(LessonProgress), [
            dict(user_id=me, module_id=M1, lesson_id=lessons[0], first_opened_at=AT, last_opened_at=AT, completed_at=AT),
            dict(user_id=me, module_id=M1, lesson_id=lessons[1], first_opened_at=AT, last_opened_at=AT, completed_at=AT),
            dict(user_id=other, module_id=M1, lesson_id=lessons[2], first_opened_at=AT, last_opened_at=AT,
                 completed_at=AT)])
        db.session.execute(insert(QuizAttempt).values(
            user_id=me, module_id=M1, quiz_id=view.module(M1).final_quiz.id, lang="en", submission_token="t",
            score=60.0, correct_count=3, question_count=5, passed=False, submitted_at=AT))
        db.session.execute(insert(StudyDay), [dict(user_id=me, day=today - timedelta(days=8)),
                                              dict(user_id=me, day=today - timedelta(days=200)),
                                              dict(user_id=other, day=today - timedelta(days=1))])
        db.session.commit()
    auth.login("me@example.com")
    html = client.get("/en/my/progress").get_data(as_text=True)
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>', html)
    second = view.modules[1]
    assert rows[0] == ("External customers", f"2 of {len(lessons)}", "60%", "80%")
    assert rows[1] == (second.module.title, f"0 of {len(second.published_lessons())}", "not taken yet", "80%")
    third = view.module(M1).published_lessons()[2]
    assert f"Continue: {third.lesson.title}" in html
    assert "You studied on 1 day in the last 12 weeks." in html  # not 200 days ago, nor the other learner's
    assert html.count('fill="#1e6b3a"/>') == 1 + 1  # one day filled in the calendar (and one quiz-bar colour)
    assert html.count('<svg class="chart') == 2


def test_my_progress_needs_an_account(client):
    assert client.get("/en/my/progress").status_code == 302
