"""Quizzes: nothing about the answers before submitting, grading on the
server, results and history, self-assessment, bad input, isolation."""
import re
from html import escape

import pytest

from course.content.markdown import render, render_inline
from course.i18n import LANGUAGES
from tests.activities.conftest import (JL_LESSON, M1, SELF_CHECK, lesson_url, right_answers, token_from,
                                       wrong_answers)

JL = "/{lang}/quizzes/john-lewis"
FINAL = "/{lang}/modules/external-customers/quiz"


def quiz(course, quiz_id, lang="en"):
    return course(lang).quiz(quiz_id)[0]


def attempts(db_rows, user_id=None, quiz_id=None):
    sql, params = "SELECT count(*) FROM quiz_attempts WHERE 1 = 1", {}
    if user_id is not None:
        sql, params["u"] = sql + " AND user_id = :u", user_id
    if quiz_id is not None:
        sql, params["q"] = sql + " AND quiz_id = :q", quiz_id
    return db_rows(sql, **params)


def secrets_of(q):
    """Every text that would give an answer away before submitting."""
    out = []
    for text in [q.explanation, q.model_answer, *q.accepted_answers, *q.keywords,
                 *(o.feedback for o in q.options)]:
        if text and text.strip():
            out += [escape(text.strip()), str(render(text)).strip(), str(render_inline(text.strip()))]
    return out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_answer_reaches_the_browser_before_submitting(client, learner, course, lang):
    view = course(lang)
    pages = {f"/{lang}/quizzes/{quiz_id}": [quiz_id] for quiz_id in view._quizzes}
    pages.update({f"/{lang}/modules/{m.id}/quiz": [m.final_quiz.id] for m in view.modules})
    pages.update({lesson_url(lang, ref.id, ref.module_id): [b.quiz for b in ref.lesson.blocks if b.type == "quiz"]
                  for m in view.modules for ref in m.lessons if any(b.type == "quiz" for b in ref.lesson.blocks)})
    checked = 0
    for url, quiz_ids in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        markup = re.sub(r'<meta name="description" content="[^"]*">', "", page)  # the module's summary, in words
        assert not re.search(r"<[^>]*(correct|right|feedback|answer-key)[^>]*>", markup, re.I), url  # no flags in markup
        for quiz_id in quiz_ids:
            for q in quiz(course, quiz_id, lang).questions:
                assert f'name="q-{q.id}"' in page, url  # the question is there...
                for secret in secrets_of(q):
                    assert secret not in page, (url, secret)  # ...its answer is not
                checked += 1
    assert checked >= 40  # every quiz of the course, final and in lessons


def test_right_answers_pass_and_show_feedback(client, learner, course, take_quiz, db_rows):
    jl = quiz(course, "john-lewis")
    response = take_quiz(JL.format(lang="en"), right_answers(jl))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/en/quizzes/john-lewis/attempts/")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your score: 100% (5 of 5 right)" in page
    assert "Well done: you reached the pass mark of 80%." in page
    first = jl.questions[0]
    right = next(o for o in first.options if o.correct)
    assert str(render_inline(right.feedback)) in page
    assert str(render(first.explanation)) in page
    assert attempts(db_rows, learner, "john-lewis") == 1
    assert db_rows("SELECT passed FROM quiz_attempts") == 1
    assert db_rows("SELECT score FROM quiz_attempts") == 100


def test_wrong_answers_in_spanish_show_why(client, learner, course, take_quiz, db_rows):
    jl = quiz(course, "john-lewis", "es")
    response = take_quiz(JL.format(lang="es"), wrong_answers(jl))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tu puntuación: 0" in page
    chosen = jl.questions[0].options[[o.id for o in jl.questions[0].options].index(wrong_answers(jl)["q-q1"][0])]
    assert str(render_inline(chosen.feedback)) in page
    assert "Respuesta correcta" in page  # the right option is shown after submitting
    assert db_rows("SELECT passed FROM quiz_attempts") == 0


def test_an_option_of_another_question_is_refused(client, learner, course, take_quiz, db_rows):
    data = right_answers(quiz(course, "john-lewis"))
    data["q-q1"] = ["not-an-option"]
    response = take_quiz(JL.format(lang="en"), data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "That answer is not one of this question&#39;s options." in page
    assert 'aria-describedby="q-q1-error"' in page
    assert attempts(db_rows) == 0
    # The other answers are kept.
    q2_right = data["q-q2"][0]
    assert f'name="q-q2" value="{q2_right}" checked' in page


def test_unanswered_questions_are_explained_and_nothing_is_recorded(client, learner, course, take_quiz, db_rows):
    data = right_answers(quiz(course, "john-lewis", "it"))
    del data["q-q2"], data["q-q3"]
    response = take_quiz(JL.format(lang="it"), data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Scegli una risposta." in page and "Scegli almeno una risposta." in page
    assert attempts(db_rows) == 0
    assert f'name="q-q1" value="{data["q-q1"][0]}" checked' in page


def test_a_blank_text_answer_is_refused(client, learner, course, take_quiz, db_rows):
    sc = quiz(course, SELF_CHECK)
    text_q = next(q for q in sc.questions if q.type == "text")
    data = right_answers(sc)
    data[f"q-{text_q.id}"] = "   \n  "
    response = take_quiz(f"/en/quizzes/{SELF_CHECK}", data)
    assert response.status_code == 422
    assert "Write an answer to this question." in response.get_data(as_text=True)
    assert attempts(db_rows) == 0


def test_a_text_answer_over_the_limit_is_refused_and_kept(client, learner, course, take_quiz, db_rows):
    sc = quiz(course, SELF_CHECK)
    text_q = next(q for q in sc.questions if q.type == "text")
    data = right_answers(sc)
    data[f"q-{text_q.id}"] = "long " * 2100
    response = take_quiz(f"/en/quizzes/{SELF_CHECK}", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This text is too long by 500 characters" in page
    assert ("long " * 2100) in page
    assert attempts(db_rows) == 0


def test_a_double_click_records_one_attempt(client, learner, course, db_rows):
    url = JL.format(lang="en")
    token = token_from(client.get(url).get_data(as_text=True))
    data = {**right_answers(quiz(course, "john-lewis")), "submission_token": token}
    first = client.post(url, data=data)
    second = client.post(url, data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert attempts(db_rows) == 1
    # A fresh form is a new attempt.
    client.post(url, data={**data, "submission_token": token_from(client.get(url).get_data(as_text=True))})
    assert attempts(db_rows) == 2


def test_a_missing_or_forged_submission_token_is_refused(client, learner, course, db_rows):
    data = right_answers(quiz(course, "john-lewis"))
    for token in (None, "", "short", "x" * 65, "<script>alert(1)</script>-aaaaaaaa"):
        form = dict(data) if token is None else {**data, "submission_token": token}
        response = client.post(JL.format(lang="en"), data=form)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "submit it again" in page
        assert f'name="q-q1" value="{data["q-q1"][0]}" checked' in page
    assert attempts(db_rows) == 0


def test_another_learners_attempt_is_not_found(client, auth, make_user, course, take_quiz, db_rows):
    make_user(email="ana@example.com")
    make_user(email="bob@example.com")
    auth.login("ana@example.com")
    sc = quiz(course, SELF_CHECK)
    location = take_quiz(f"/en/quizzes/{SELF_CHECK}", right_answers(sc)).headers["Location"]
    text_q = next(q for q in sc.questions if q.type == "text")
    auth.logout()
    auth.login("bob@example.com")
    assert client.get(location).status_code == 404
    response = client.post(location + "/verdict", data={"question_id": text_q.id, "verdict": "right"})
    assert response.status_code == 404
    assert db_rows("SELECT count(*) FROM quiz_answers WHERE correct IS NULL") == 1
    # Nor under another quiz's address, nor a made-up one.
    attempt_id = location.rsplit("/", 1)[1]
    assert client.get(f"/en/quizzes/john-lewis/attempts/{attempt_id}").status_code == 404
    assert client.get("/en/quizzes/john-lewis/attempts/999999").status_code == 404
    assert client.get("/en/quizzes/john-lewis/attempts/99999999999999999999").status_code == 404
    assert client.get("/en/quizzes/no-such-quiz").status_code == 404
    assert client.get("/en/modules/no-such-module/quiz").status_code == 404


def test_self_assessed_answers_wait_for_the_learners_verdict(client, learner, course, take_quiz, db_rows):
    sc = quiz(course, SELF_CHECK)
    text_q = next(q for q in sc.questions if q.type == "text")
    location = take_quiz(f"/en/quizzes/{SELF_CHECK}", right_answers(sc)).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    total = len(sc.questions)
    assert f"({total - 1} of {total} right)" in page
    assert str(render(text_q.model_answer)) in page  # shown after submitting
    assert "Did your answer say the same as the model answer?" in page
    assert db_rows("SELECT count(*) FROM quiz_answers WHERE self_assessed = TRUE AND correct IS NULL") == 1
    response = client.post(location + "/verdict", data={"question_id": text_q.id, "verdict": "right"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#q-{text_q.id}")
    page = client.get(location).get_data(as_text=True)
    assert f"({total} of {total} right)" in page and "You marked your answer as right." in page
    assert db_rows("SELECT score FROM quiz_attempts") == 100
    # A verdict is given once; a bad one is refused.
    client.post(location + "/verdict", data={"question_id": text_q.id, "verdict": "wrong"})
    assert db_rows("SELECT score FROM quiz_attempts") == 100
    assert client.post(location + "/verdict", data={"question_id": text_q.id, "verdict": "maybe"}).status_code == 400
    # A forged question id (a line break once made the redirect a 500) leads back to the page, no anchor.
    response = client.post(location + "/verdict", data={"question_id": "q\r\nX-Evil: 1", "verdict": "right"})
    assert response.status_code == 302 and response.headers["Location"] == location


def test_history_keeps_every_attempt_and_the_best_score(client, learner, course, take_quiz):
    jl = quiz(course, "john-lewis")
    take_quiz(JL.format(lang="en"), right_answers(jl))
    location = take_quiz(JL.format(lang="en"), wrong_answers(jl)).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "Attempt 2 of 2" in page
    assert "Your best score: 100%" in page
    assert page.count('<td><a href="/en/quizzes/john-lewis/attempts/') == 2
    lesson = client.get(lesson_url("en", JL_LESSON)).get_data(as_text=True)
    assert "You have taken this quiz 2 times." in lesson and "Best score: 100%." in lesson
    assert 'name="submission_token"' not in lesson  # results and a link to try again instead
    assert 'href="/en/quizzes/john-lewis"' in lesson


def test_results_read_in_another_language(client, learner, course, take_quiz):
    location = take_quiz(JL.format(lang="it"), right_answers(quiz(course, "john-lewis", "it"))).headers["Location"]
    polish = client.get(location.replace("/it/", "/pl/", 1)).get_data(as_text=True)
    pl_quiz = quiz(course, "john-lewis", "pl")
    right = next(o for o in pl_quiz.questions[0].options if o.correct)
    assert str(render_inline(right.text)) in polish
    assert "100%" in polish


def test_a_lesson_quiz_completes_its_lesson(client, learner, course, db_rows):
    page = client.get(lesson_url("en", JL_LESSON)).get_data(as_text=True)
    token = token_from(page)
    assert 'action="/en/quizzes/john-lewis"' in page
    client.post(JL.format(lang="en"), data={**wrong_answers(quiz(course, "john-lewis")), "submission_token": token})
    assert db_rows("SELECT count(*) FROM lesson_progress WHERE lesson_id = :l AND completed_at IS NOT NULL",
                   l=JL_LESSON) == 1  # submitted once: done, whatever the score


def complete_module_lessons(client, view, module_id, lang="en"):
    """Do every lesson of a module: the activities where there are some, else the Complete button."""
    for ref in view.module(module_id).lessons:
        base = f"/{lang}/modules/{module_id}/{ref.id}"
        if not ref.lesson.required_activities:
            client.post(f"{base}/complete", data={"action": "complete"})
        for b in ref.lesson.required_activities:
            if b.type == "reflection":
                client.post(f"{base}/reflections/{b.id}", data={f"p-{p.id}": "My answer" for p in b.prompts})
            else:
                url = f"/{lang}/quizzes/{b.quiz}"
                client.post(url, data={**right_answers(view.quiz(b.quiz)[0]),
                                       "submission_token": token_from(client.get(url).get_data(as_text=True))})


def tr(app, lang, message, **variables):
    """A UI string as the app shows it in `lang`."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(f"/{lang}/"), force_locale(lang):
        text = gettext(message, **variables)
    assert lang == "en" or text != (message % variables if variables else message), f"untranslated: {message}"
    return text


def test_passing_the_final_quiz_completes_the_module(client, app, learner, course, take_quiz, db_rows):
    view = course("pl")
    module_page = client.get(f"/pl/modules/{M1}").get_data(as_text=True)
    assert f'href="/pl/modules/{M1}/quiz">{tr(app, "pl", "Take the module quiz")}</a>' in module_page
    assert tr(app, "pl", "See your latest results") not in module_page
    complete_module_lessons(client, view, M1, "pl")
    assert db_rows("SELECT count(*) FROM module_completions") == 0  # the quiz is still to pass
    final = view.module(M1).final_quiz
    take_quiz(FINAL.format(lang="pl"), wrong_answers(final))
    assert db_rows("SELECT count(*) FROM module_completions") == 0
    latest = take_quiz(FINAL.format(lang="pl"), right_answers(final)).headers["Location"]
    assert db_rows("SELECT count(*) FROM module_completions WHERE user_id = :u AND module_id = :m", u=learner, m=M1) == 1
    module_page = client.get(f"/pl/modules/{M1}").get_data(as_text=True)
    assert (f'<a class="button secondary" href="{latest}">{tr(app, "pl", "See your latest results")}</a>'
            in module_page)
    assert f'<p class="badge done">{tr(app, "pl", "Passed")}</p>' in module_page
    assert tr(app, "pl", "Your best score: %(score)s", score="100%") in module_page
    assert f'href="/pl/modules/{M1}/quiz">{tr(app, "pl", "Take the module quiz again")}</a>' in module_page
    home = client.get("/pl/").get_data(as_text=True)
    assert f'<p class="badge done">{tr(app, "pl", "Completed")}</p>' in home


def test_final_quiz_and_module_page_in_english(client, learner, course, take_quiz):
    final = course("en").module(M1).final_quiz
    location = take_quiz(FINAL.format(lang="en"), right_answers(final)).headers["Location"]
    assert location.startswith(f"/en/quizzes/{final.id}/attempts/")
    page = client.get(location).get_data(as_text=True)
    assert f'href="/en/modules/{M1}#quiz-heading"' in page  # the way back to the module
    module_page = client.get(f"/en/modules/{M1}").get_data(as_text=True)
    assert "Take the module quiz again" in module_page and f'href="{location}"' in module_page


def test_a_visitor_is_asked_to_sign_in_before_a_quiz(client, db_rows):
    response = client.get(FINAL.format(lang="en"))
    assert response.status_code == 302 and "/en/login" in response.headers["Location"]
    page = client.get(lesson_url("en", JL_LESSON)).get_data(as_text=True)
    assert 'name="submission_token"' not in page and "Sign in to take this quiz" in page
    assert client.post(JL.format(lang="en"), data={"q-q1": "a"}).status_code == 302
    assert attempts(db_rows) == 0


def test_attempts_survive_signing_out_and_in(client, auth, learner, course, take_quiz):
    location = take_quiz(JL.format(lang="es"), right_answers(quiz(course, "john-lewis", "es"))).headers["Location"]
    auth.logout()
    auth.login("ada@example.com")
    assert client.get(location).status_code == 200
