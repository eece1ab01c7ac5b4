"""Reflection exercises: labelled text areas, saving with and without
JavaScript, completion, "My reflections" and its downloads, isolation."""
import re
from html import escape

from tests.activities.conftest import M1, REFLECTION_LESSON, lesson_url, reflection_url

FACE = "face-to-face"
FACE_PROMPTS = ("kind", "situation", "behaviours", "expectations", "why-not", "different")


def answers_form(prefix="", **overrides):
    data = {f"p-{p}": f"{prefix}answer to {p}" for p in FACE_PROMPTS}
    data.update({f"p-{k.replace('_', '-')}": v for k, v in overrides.items()})
    return data


def block(course, lang, lesson_id=REFLECTION_LESSON, exercise_id=FACE):
    return next(b for b in course(lang).lesson(lesson_id).lesson.blocks if b.id == exercise_id)


def lesson_complete(db_rows, user_id, lesson_id=REFLECTION_LESSON):
    return db_rows("SELECT count(*) FROM lesson_progress WHERE user_id = :u AND lesson_id = :l AND completed_at IS NOT NULL",
                   u=user_id, l=lesson_id) == 1


def test_each_prompt_is_a_labelled_text_area(client, learner, course):
    for lang in ("en", "it"):
        page = client.get(lesson_url(lang, REFLECTION_LESSON)).get_data(as_text=True)
        for prompt in block(course, lang).prompts:
            field_id = f"r-{FACE}-{prompt.id}"
            assert f'<label for="{field_id}">{escape(prompt.label)}</label>' in page
            assert f'<textarea id="{field_id}" name="p-{prompt.id}"' in page
        assert 'class="save-status js-save-status" role="status" aria-live="polite"' in page
        assert re.search(rf'src="/{lang}/activities/static/activities\.[0-9a-f]{{12}}\.js"', page)  # the autosave script, fingerprinted


def test_a_visitor_sees_the_prompts_and_an_invitation(client, course):
    page = client.get(lesson_url("es", REFLECTION_LESSON)).get_data(as_text=True)
    assert escape(block(course, "es").prompts[0].label) in page
    assert "<textarea" not in page


def test_saving_without_javascript_keeps_the_answers(client, learner, db_rows):
    response = client.post(reflection_url("en", FACE), data=answers_form(kind="A purchase"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"{lesson_url('en', REFLECTION_LESSON)}?saved={FACE}#b-{FACE}"
    assert db_rows("SELECT count(*) FROM reflection_answers WHERE user_id = :u", u=learner) == 6
    page = client.get(lesson_url("en", REFLECTION_LESSON)).get_data(as_text=True)
    assert ">\nA purchase</textarea>" in page
    # Editing later replaces the answer.
    client.post(reflection_url("en", FACE), data={"p-kind": "A complaint, in the end"})
    page = client.get(lesson_url("en", REFLECTION_LESSON)).get_data(as_text=True)
    assert "A complaint, in the end</textarea>" in page and "A purchase" not in page
    assert db_rows("SELECT count(*) FROM reflection_answers WHERE user_id = :u", u=learner) == 6


def test_saving_in_italian_and_reading_in_polish(client, learner, course):
    response = client.post(reflection_url("it", FACE), data=answers_form(kind="Un acquisto"))
    assert response.status_code == 302 and response.headers["Location"].startswith("/it/")
    page = client.get(lesson_url("it", REFLECTION_LESSON)).get_data(as_text=True)
    assert "Le tue risposte sono state salvate." in page
    assert "Un acquisto</textarea>" in page
    # The same answers, by id, under the Polish prompts.
    page = client.get(lesson_url("pl", REFLECTION_LESSON)).get_data(as_text=True)
    assert "Un acquisto</textarea>" in page
    assert escape(block(course, "pl").prompts[0].label) in page


def test_autosave_endpoint_saves_while_typing(client, learner, db_rows):
    response = client.post(reflection_url("es", FACE), json={"answers": {"situation": "En la caja"}})
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True and body["saved"] == ["situation"] and body["message"] == "Guardado"
    assert "kind" in body["missing"] and body["done"] is False
    assert db_rows("SELECT count(*) FROM reflection_answers WHERE user_id = :u AND prompt_id = 'situation'", u=learner) == 1
    page = client.get(lesson_url("es", REFLECTION_LESSON)).get_data(as_text=True)
    assert "En la caja</textarea>" in page


def test_autosave_refuses_what_it_cannot_read(client, learner, db_rows):
    url = reflection_url("en", FACE)
    assert client.post(url, json={"answers": {"no-such-prompt": "x"}}).status_code == 400
    assert client.post(url, json={"answers": {"kind": 42}}).status_code == 400
    assert client.post(url, json={"answers": []}).status_code == 400
    assert client.post(url, json="hello").status_code == 400
    assert client.post(reflection_url("en", "no-such-exercise"), json={"answers": {"kind": "x"}}).status_code == 404
    assert db_rows("SELECT count(*) FROM reflection_answers") == 0


def test_whitespace_only_answers_do_not_count(client, learner, db_rows):
    client.post(reflection_url("en", FACE), data={f"p-{p}": "   \n\t " for p in FACE_PROMPTS})
    assert db_rows("SELECT count(*) FROM reflection_answers") == 0
    # One real answer, the rest blank: the blank ones are pointed out as still to answer.
    client.post(reflection_url("en", FACE), data=answers_form(situation="  ", behaviours="\n"))
    page = client.get(lesson_url("en", REFLECTION_LESSON)).get_data(as_text=True)
    assert f'id="r-{FACE}-situation-missing"' in page and f'id="r-{FACE}-behaviours-missing"' in page
    assert f'aria-describedby="r-{FACE}-situation-missing"' in page
    assert "Still to answer" in page
    assert f'id="r-{FACE}-kind-missing"' not in page
    assert not lesson_complete(db_rows, learner)
    # Blanking a saved answer removes it.
    client.post(reflection_url("en", FACE), json={"answers": {"kind": "  "}})
    assert db_rows("SELECT count(*) FROM reflection_answers WHERE prompt_id = 'kind'") == 0


def test_an_answer_over_the_limit_is_explained_and_kept(client, learner, db_rows):
    too_long = "word " * 2001  # 10,005 characters
    response = client.post(reflection_url("en", FACE), data=answers_form(situation=too_long))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "too long by 5 characters: write at most 10,000 characters" in page
    assert f">\n{too_long}</textarea>" in page  # the text is still in the form
    assert f'aria-describedby="r-{FACE}-situation-error"' in page and 'aria-invalid="true"' in page
    # The other answers were saved; the long one was not.
    assert db_rows("SELECT count(*) FROM reflection_answers") == 5
    assert db_rows("SELECT count(*) FROM reflection_answers WHERE prompt_id = 'situation'") == 0
    # In Polish, through autosave.
    response = client.post(reflection_url("pl", FACE), json={"answers": {"situation": too_long}})
    assert response.status_code == 422
    assert "10\u00a0000" in response.get_json()["errors"]["situation"]
    assert "za długi" in response.get_json()["message"]


def test_required_reflections_complete_the_lesson(client, learner, db_rows, app):
    client.get(lesson_url("en", REFLECTION_LESSON))
    client.post(reflection_url("en", FACE), data=answers_form())
    assert not lesson_complete(db_rows, learner)  # the telephone exercise is still open
    response = client.post(reflection_url("en", "telephone"), json={"answers": {p: "done" for p in FACE_PROMPTS}})
    assert response.get_json()["done"] is True
    assert lesson_complete(db_rows, learner)
    page = client.get(lesson_url("en", REFLECTION_LESSON)).get_data(as_text=True)
    assert page.count('<span class="badge done">Done</span> Every question has an answer.') == 2
    done = '<p><span class="badge done">Done</span> This lesson is complete once you have done its activities.</p>'
    assert done in page
    # Emptying an answer makes the lesson incomplete again.
    client.post(reflection_url("en", "telephone"), json={"answers": {"kind": ""}})
    assert not lesson_complete(db_rows, learner)
    page = client.get(lesson_url("en", REFLECTION_LESSON)).get_data(as_text=True)
    assert done not in page
    assert "<p>This lesson is complete once you have done its activities.</p>" in page


def test_the_manual_complete_button_is_refused_for_such_a_lesson(client, learner, db_rows):
    response = client.post(f"{lesson_url('en', REFLECTION_LESSON)}/complete", data={"action": "complete"})
    assert response.status_code == 400
    assert not lesson_complete(db_rows, learner)


def test_the_exercise_page_edits_the_same_answers(client, learner):
    client.post(reflection_url("en", FACE), data={"p-kind": "A query"})
    page = client.get(reflection_url("en", FACE)).get_data(as_text=True)
    assert "A query</textarea>" in page
    response = client.post(reflection_url("en", FACE), data={"p-kind": "A query, answered",
                                                             "next": reflection_url("en", FACE)})
    assert response.headers["Location"] == reflection_url("en", FACE)
    # A `next` elsewhere is not followed.
    response = client.post(reflection_url("en", FACE), data={"p-kind": "x", "next": "https://evil.example/"})
    assert response.headers["Location"].startswith(lesson_url("en", REFLECTION_LESSON))


def test_learners_never_see_or_change_each_others_answers(client, auth, make_user, db_rows):
    make_user(email="ana@example.com")
    bob = make_user(email="bob@example.com")
    auth.login("ana@example.com")
    client.post(reflection_url("en", FACE), data=answers_form(kind="Ana's secret purchase"))
    client.post(f"/en/modules/{M1}/{REFLECTION_LESSON}/notes", data={"text": "Ana-note-7781"})
    auth.logout()
    auth.login("bob@example.com")
    for url in (lesson_url("en", REFLECTION_LESSON), reflection_url("en", FACE), "/en/my/reflections",
                "/en/my/reflections.md", "/en/my/reflections/print", "/en/my/notes", "/en/my/notes.md"):
        assert "secret purchase" not in client.get(url).get_data(as_text=True), url
        assert "Ana-note-7781" not in client.get(url).get_data(as_text=True), url
    # Bob's saving writes Bob's rows only.
    client.post(reflection_url("en", FACE), data={"p-kind": "Bob's answer"})
    assert db_rows("SELECT count(*) FROM reflection_answers WHERE user_id = :u", u=bob) == 1
    assert db_rows("SELECT count(*) FROM reflection_answers WHERE text = 'Ana''s secret purchase'") == 1


def test_a_visitor_is_sent_to_sign_in(client, db_rows):
    response = client.post(reflection_url("en", FACE), data=answers_form())
    assert response.status_code == 302 and "/en/login" in response.headers["Location"]
    response = client.post(reflection_url("en", FACE), json={"answers": {"kind": "x"}})
    assert response.status_code == 401 and response.get_json()["ok"] is False
    assert client.get("/en/my/reflections").status_code == 302
    assert db_rows("SELECT count(*) FROM reflection_answers") == 0


def test_my_reflections_lists_every_answer_by_module_and_downloads(client, learner, course):
    client.post(reflection_url("en", FACE), data={"p-kind": "A purchase", "p-situation": "Line one\nLine two"})
    client.post(reflection_url("en", "tactics-practice", lesson_id="tactics", module_id="complaints"),
                data={"p-thank": "Thank you for calling, Mrs Davies."})
    page = client.get("/en/my/reflections").get_data(as_text=True)
    view = course("en")
    m1, m3 = view.module(M1).module.title, view.module("complaints").module.title
    assert page.index(escape(m1)) < page.index("A purchase") < page.index(escape(m3)) < page.index("Mrs Davies")
    for prompt in block(course, "en").prompts:
        assert escape(prompt.label) in page
    assert "No answer yet." in page
    assert f'href="{reflection_url("en", FACE)}"' in page
    # Markdown download.
    response = client.get("/en/my/reflections.md")
    assert response.status_code == 200 and response.mimetype == "text/markdown"
    assert response.headers["Content-Disposition"] == 'attachment; filename="my-reflections-en.md"'
    text = response.get_data(as_text=True)
    assert text.startswith("# My reflections\n")
    assert f"## {m1}" in text and f"**{block(course, 'en').prompts[0].label}**" in text
    assert "A purchase" in text and "Line one\nLine two" in text
    # Printable page.
    page = client.get("/en/my/reflections/print").get_data(as_text=True)
    assert "Line one<br>Line two" in page and re.search(r'href="/static/print\.[0-9a-f]{12}\.css"', page)


def test_my_reflections_in_spanish_and_when_empty(client, learner, course):
    page = client.get("/es/my/reflections").get_data(as_text=True)
    assert "Todavía no has escrito ninguna reflexión" in page
    client.post(reflection_url("es", FACE), data={"p-kind": "Una compra"})
    page = client.get("/es/my/reflections").get_data(as_text=True)
    assert escape(block(course, "es").title) in page and "Una compra" in page
    assert "my-reflections-es.md" in client.get("/es/my/reflections.md").headers["Content-Disposition"]


def test_answers_are_there_after_signing_out_and_in(client, auth, learner):
    client.post(reflection_url("pl", FACE), data={"p-kind": "Zakup"})
    auth.logout()
    auth.login("ada@example.com")
    assert "Zakup</textarea>" in client.get(lesson_url("pl", REFLECTION_LESSON)).get_data(as_text=True)


def test_the_menu_has_my_reflections_and_my_notes(client, learner):
    page = client.get("/en/").get_data(as_text=True)
    assert '<a href="/en/my/reflections">My reflections</a>' in page
    assert '<a href="/en/my/notes">My notes</a>' in page
    page = client.get("/it/").get_data(as_text=True)
    assert '<a href="/it/my/reflections">Le mie riflessioni</a>' in page
