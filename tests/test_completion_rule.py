"""One completion rule: for random learner activity, the completion-record
export's figures equal what the learner's own pages show.

The activity is written straight into the tables (blank and whitespace-only
answers included, which the forms would never store), so that the rules
themselves are compared, not the forms' habits.
"""
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from course.activities.completion import activity_done
from course.activities.quizzes import submitted_quizzes
from course.activities.reflections import answered_prompts
from course.admin.records import completion_rows, module_specs
from course.content import get_content
from course.extensions import db
from course.learn.progress import course_status
from course.models import LessonProgress, QuizAttempt, ReflectionAnswer, User, utcnow
from tests.conftest import FIXTURE_COURSE

TEXTS = ["", " ", "\t\n", "\r\n  \f\v", "\u00a0", "Yes", "  a  ", "\u2003x"]


@pytest.fixture
def app_config():
    return {"CONTENT_DIR": str(FIXTURE_COURSE)}


@pytest.fixture
def course(app):
    """Every lesson, reflection prompt and quiz of the course, as ids."""
    with app.app_context():
        view = get_content().course("en")
        lessons, prompts, quizzes = [], [], []
        for module in view.modules:
            quizzes.append((module.id, module.final_quiz.id, module.final_quiz.pass_mark))
            for ref in module.lessons:
                lessons.append((module.id, ref.id))
                for block in ref.lesson.activities:
                    if block.type == "reflection":
                        prompts += [(module.id, ref.id, block.id, p.id) for p in block.prompts]
                    else:
                        quizzes.append((module.id, block.quiz, view.quiz(block.quiz)[0].pass_mark))
        return lessons, prompts, quizzes


def activity(course):
    lessons, prompts, quizzes = course
    return st.fixed_dictionaries({
        "opened": st.sets(st.sampled_from(lessons)),
        "completed": st.sets(st.sampled_from(lessons)),
        "answers": st.dictionaries(st.sampled_from(prompts), st.sampled_from(TEXTS)),
        "attempts": st.lists(st.tuples(st.sampled_from(quizzes), st.integers(0, 100)), max_size=6),
    })


def pages_figures(view, user):
    """Per module, what the learner's pages show: lessons done, activities done, best score, passed, complete."""
    status = course_status(view, user)
    submitted = submitted_quizzes(user.id)
    figures = {}
    for module in view.modules:
        ms = status.modules[module.id]
        done = sum(activity_done(block, answered_prompts(user.id, ref.id), submitted)
                   for ref in module.published_lessons() for block in ref.lesson.activities)
        figures[module.id] = (ms.lessons_done, ms.lessons_total, done, ms.best_score, ms.quiz_passed, ms.complete)
    return figures


def export_figures(user_id):
    figures = {}
    for row in completion_rows(module_specs(get_content()), user_ids=[user_id]):
        complete = row.lessons_completed == row.lessons_total and bool(row.quiz_passed)
        figures[row.module_id] = (row.lessons_completed, row.lessons_total, row.activities_completed,
                                  row.quiz_best_score, bool(row.quiz_passed), complete)
    return figures


def test_the_export_counts_as_the_pages_show(app, course, make_user):
    counter = iter(range(10**6))

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(activity(course))
    def check(data):
        uid = make_user(email=f"random{next(counter)}@example.com")
        now = utcnow()
        with app.app_context():
            for module_id, lesson_id in data["opened"] | data["completed"]:
                db.session.add(LessonProgress(
                    user_id=uid, module_id=module_id, lesson_id=lesson_id, first_opened_at=now,
                    last_opened_at=now, completed_at=now if (module_id, lesson_id) in data["completed"] else None))
            for (module_id, lesson_id, exercise_id, prompt_id), text in data["answers"].items():
                db.session.add(ReflectionAnswer(user_id=uid, module_id=module_id, lesson_id=lesson_id,
                                                exercise_id=exercise_id, prompt_id=prompt_id, text=text))
            for n, ((module_id, quiz_id, pass_mark), score) in enumerate(data["attempts"]):
                db.session.add(QuizAttempt(user_id=uid, module_id=module_id, quiz_id=quiz_id, lang="en",
                                           submission_token=f"t{n}", score=float(score), passed=score >= pass_mark,
                                           submitted_at=now + timedelta(seconds=n)))
            db.session.commit()
            user = db.session.get(User, uid)
            assert export_figures(uid) == pages_figures(get_content().course("en"), user)

    check()
