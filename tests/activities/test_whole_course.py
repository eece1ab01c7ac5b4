"""Done when: a learner can do every activity of the course in any language,
and what they wrote and scored is there after signing out and in again."""
import pytest

from course.i18n import LANGUAGES
from tests.activities.conftest import right_answers, token_from
from tests.activities.test_quizzes import complete_module_lessons


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_activity_of_the_course(client, auth, learner, course, db_rows, lang):
    view = course(lang)
    exercises = [(ref, b) for m in view.modules for ref in m.lessons for b in ref.lesson.blocks if b.type == "reflection"]
    for module in view.modules:
        complete_module_lessons(client, view, module.id, lang)
        url = f"/{lang}/modules/{module.id}/quiz"
        response = client.post(url, data={**right_answers(module.final_quiz),
                                          "submission_token": token_from(client.get(url).get_data(as_text=True))})
        assert response.status_code == 302
    for ref, b in exercises:  # the optional reflections too
        client.post(f"/{lang}/modules/{ref.module_id}/{ref.id}/reflections/{b.id}",
                    data={f"p-{p.id}": "My answer" for p in b.prompts})
    # Self-assessed answers (module 2's self-check) get the learner's verdict.
    for quiz_id in view._quizzes:
        quiz = view.quiz(quiz_id)[0]
        for q in quiz.questions:
            if q.self_assessed:
                attempt = db_rows("SELECT max(id) FROM quiz_attempts WHERE quiz_id = :q", q=quiz_id)
                client.post(f"/{lang}/quizzes/{quiz_id}/attempts/{attempt}/verdict",
                            data={"question_id": q.id, "verdict": "right"})
    client.post(f"/{lang}/modules/{view.modules[0].id}/feedback", data={"rating": "5", "comment": "Great"})

    assert db_rows("SELECT count(*) FROM module_completions WHERE user_id = :u", u=learner) == len(view.modules)
    assert db_rows("SELECT count(*) FROM users WHERE id = :u AND course_completed_at IS NOT NULL", u=learner) == 1
    assert db_rows("SELECT count(DISTINCT quiz_id) FROM quiz_attempts") == len(view._quizzes)
    assert db_rows("SELECT min(score) FROM quiz_attempts") == 100
    assert db_rows("SELECT count(*) FROM reflection_answers") == sum(len(b.prompts) for _ref, b in exercises)

    auth.logout()
    auth.login("ada@example.com", lang=lang)
    mine = client.get(f"/{lang}/my/reflections").get_data(as_text=True)
    assert mine.count('class="card reflection-answers"') == len(exercises)
    home = client.get(f"/{lang}/").get_data(as_text=True)
    assert home.count('class="badge done"') == len(view.modules)
