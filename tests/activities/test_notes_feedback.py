"""Private notes on lessons, "My notes", and module feedback."""
from html import escape

from tests.activities.conftest import M1, REFLECTION_LESSON, lesson_url

NOTE = f"/{{lang}}/modules/{M1}/{REFLECTION_LESSON}/notes"
FEEDBACK = f"/{{lang}}/modules/{M1}/feedback"


def test_every_lesson_has_a_labelled_notes_box(client, learner, course):
    for ref in course("en").module(M1).lessons:
        page = client.get(lesson_url("en", ref.id)).get_data(as_text=True)
        assert '<label for="note-text">Private notes on this lesson</label>' in page
        assert f'action="/en/modules/{M1}/{ref.id}/notes"' in page


def test_a_visitor_has_no_notes_box(client):
    assert 'id="note-text"' not in client.get(lesson_url("en", REFLECTION_LESSON)).get_data(as_text=True)
    assert client.post(NOTE.format(lang="en"), json={"text": "x"}).status_code == 401


def test_notes_are_saved_with_and_without_javascript(client, learner, db_rows):
    response = client.post(NOTE.format(lang="en"), data={"text": "Remember the service network."})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{lesson_url('en', REFLECTION_LESSON)}?saved=notes#notes"
    status = '<p class="save-status js-save-status" role="status" aria-live="polite">{}</p>'
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ">\nRemember the service network.</textarea>" in page
    assert status.format("Saved") in page
    # The same lesson, from the same cached page, without ?saved=notes: no message.
    page = client.get(lesson_url("en", REFLECTION_LESSON)).get_data(as_text=True)
    assert ">\nRemember the service network.</textarea>" in page
    assert status.format("") in page
    response = client.post(NOTE.format(lang="it"), json={"text": "Nota in italiano"})
    assert response.status_code == 200 and response.get_json() == {"ok": True, "message": "Salvato"}
    assert db_rows("SELECT count(*) FROM notes WHERE user_id = :u", u=learner) == 1
    assert "Nota in italiano</textarea>" in client.get(lesson_url("pl", REFLECTION_LESSON)).get_data(as_text=True)
    # An empty note is removed.
    client.post(NOTE.format(lang="en"), json={"text": "   "})
    assert db_rows("SELECT count(*) FROM notes") == 0
    assert client.post(NOTE.format(lang="en"), json={"text": 5}).status_code == 400
    assert client.post(f"/en/modules/{M1}/no-such-lesson/notes", data={"text": "x"}).status_code == 404


def test_a_note_over_the_limit_is_explained_and_kept(client, learner, db_rows):
    text = "n" * 10_001
    response = client.post(NOTE.format(lang="es"), data={"text": text})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "demasiado largo" in page and "10.000" in page
    assert f">\n{text}</textarea>" in page and 'aria-describedby="note-help note-error"' in page
    response = client.post(NOTE.format(lang="en"), json={"text": text})
    assert response.status_code == 422 and "too long by 1 character" in response.get_json()["message"]
    assert db_rows("SELECT count(*) FROM notes") == 0


def test_my_notes_lists_notes_by_module_and_downloads(client, learner, course):
    client.post(NOTE.format(lang="en"), data={"text": "Note on excellence"})
    client.post("/en/modules/complaints/tactics/notes", data={"text": "Note on TACTICS"})
    page = client.get("/en/my/notes").get_data(as_text=True)
    view = course("en")
    assert page.index(escape(view.module(M1).module.title)) < page.index("Note on excellence") \
        < page.index(escape(view.module("complaints").module.title)) < page.index("Note on TACTICS")
    assert f'href="{lesson_url("en", REFLECTION_LESSON)}#notes"' in page
    response = client.get("/en/my/notes.md")
    assert response.headers["Content-Disposition"] == 'attachment; filename="my-notes-en.md"'
    assert "Note on TACTICS" in response.get_data(as_text=True)
    page = client.get("/pl/my/notes").get_data(as_text=True)
    assert "Moje notatki" in page and "Note on excellence" in page


def test_feedback_is_stored_for_administrators(client, learner, db_rows, auth, make_user):
    page = client.get(FEEDBACK.format(lang="en")).get_data(as_text=True)
    assert "<legend>Your rating, from 1 (not useful) to 5 (very useful)</legend>" in page
    assert '<label for="comment">Comment (optional)</label>' in page
    response = client.post(FEEDBACK.format(lang="en"), data={"rating": "4", "comment": "Clear and useful."})
    assert response.status_code == 302 and response.headers["Location"] == f"/en/modules/{M1}"
    assert db_rows("SELECT rating FROM module_feedback WHERE user_id = :u AND module_id = :m", u=learner, m=M1) == 4
    # Sending it again (here in Polish) replaces it.
    client.post(FEEDBACK.format(lang="pl"), data={"rating": "5", "comment": "Bardzo dobry moduł."})
    assert db_rows("SELECT count(*) FROM module_feedback") == 1
    assert db_rows("SELECT rating FROM module_feedback") == 5
    page = client.get(FEEDBACK.format(lang="pl")).get_data(as_text=True)
    assert 'value="5" checked' in page and "Bardzo dobry moduł." in page
    # Administrators read it in the admin area; learners may not.
    assert client.get("/en/admin/feedback").status_code == 403
    make_user(email="admin@example.com", role="admin")
    auth.logout()
    auth.login("admin@example.com")
    page = client.get("/en/admin/feedback").get_data(as_text=True)
    assert "Bardzo dobry moduł." in page


def test_feedback_bad_input_is_explained_and_kept(client, learner, db_rows):
    # "²" counts as a digit for str.isdigit() but not for int(): it once gave a 500.
    for rating in ("", "0", "6", "four", "4.5", "²", "9" * 30):
        response = client.post(FEEDBACK.format(lang="en"), data={"rating": rating, "comment": "Keep me"})
        page = response.get_data(as_text=True)
        assert response.status_code == 422, rating
        assert "Choose a rating from 1 to 5." in page and 'aria-describedby="rating-error"' in page
        assert ">\nKeep me</textarea>" in page
    response = client.post(FEEDBACK.format(lang="it"), data={"rating": "3", "comment": "c" * 10_050})
    assert response.status_code == 422 and "troppo lungo" in response.get_data(as_text=True)
    assert db_rows("SELECT count(*) FROM module_feedback") == 0
    assert client.get("/en/modules/no-such-module/feedback").status_code == 404


def test_the_module_page_invites_feedback(client, learner):
    page = client.get(f"/en/modules/{M1}").get_data(as_text=True)
    assert f'href="/en/modules/{M1}/feedback"' in page


def test_feedback_sent_twice_at_once_is_one_opinion(app, learner, db_rows):
    """Two sends at the same moment (two tabs, a double click through two
    workers) leave one row: the database refuses a second, the later send
    updates the first."""
    import threading

    from course.activities import feedback
    from course.extensions import db

    barrier, errors = threading.Barrier(4), []

    def send(rating):
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                feedback.save(learner, M1, "en", rating, f"rated {rating}")
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(rating,)) for rating in (2, 3, 4, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert db_rows("SELECT count(*) FROM module_feedback WHERE user_id = :u", u=learner) == 1
    assert db_rows("SELECT comment FROM module_feedback") == f"rated {db_rows('SELECT rating FROM module_feedback')}"
