"""Only administrators open the admin area (instructors: quiz insight too)."""
import pytest

from tests.conftest import PASSWORD

ADMIN_ONLY = [
    "/en/admin/", "/en/admin/learners", "/en/admin/learners/1", "/en/admin/users", "/en/admin/feedback",
    "/en/admin/export", "/en/admin/export?format=csv", "/en/admin/export?format=xapi&module=complaints",
    "/en/admin/audit",
]
POSTS = ["/en/admin/learners/1/role", "/en/admin/learners/1/status"]
EVERY_PAGE = ADMIN_ONLY + ["/en/admin/quizzes"]


@pytest.mark.parametrize("url", EVERY_PAGE)
def test_a_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/en/login?next=")


@pytest.mark.parametrize("url", POSTS)
def test_a_visitor_cannot_post(client, url, db_rows):
    response = client.post(url, data={"role": "admin", "action": "deactivate"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db_rows("SELECT count(*) FROM audit_log") == 0


@pytest.mark.parametrize("url", EVERY_PAGE)
def test_a_learner_gets_403(client, learner, url):
    response = client.get(url)
    assert response.status_code == 403
    assert b"You do not have permission" in response.data


def test_a_learner_cannot_promote_themselves(client, learner, db_rows):
    assert client.post(f"/en/admin/learners/{learner}/role", data={"role": "admin"}).status_code == 403
    assert db_rows("SELECT role FROM users WHERE id = :id", id=learner) == "learner"


@pytest.mark.parametrize("url", ADMIN_ONLY)
def test_an_instructor_gets_403_except_on_quiz_insight(client, instructor, url):
    assert client.get(url).status_code == 403


def test_an_instructor_opens_quiz_insight(client, instructor):
    assert client.get("/en/admin/quizzes").status_code == 200


@pytest.mark.parametrize("url", EVERY_PAGE)
def test_an_admin_opens_every_page(client, admin, make_user, url):
    make_user()  # user 2, so /learners/1 is the admin themself and exists
    response = client.get(url)
    assert response.status_code == 200, url


def test_the_menu_links_by_role(client, make_user, auth):
    make_user(email="boss@example.com", role="admin")
    make_user(email="teacher@example.com", role="instructor")
    make_user(email="ada@example.com")
    for email, administration, insight in [("boss@example.com", True, False),
                                          ("teacher@example.com", False, True),
                                          ("ada@example.com", False, False)]:
        auth.login(email)
        page = client.get("/en/").get_data(as_text=True)
        assert ('href="/en/admin/"' in page) is administration, email
        assert ('href="/en/admin/quizzes"' in page) is insight, email
        auth.logout()


def test_the_menu_link_is_translated(client, admin):
    assert "Amministrazione" in client.get("/it/").get_data(as_text=True)


def test_a_deactivated_account_is_signed_out_and_cannot_sign_in(app, client, make_user, auth):
    user_id = make_user(email="ada@example.com")
    auth.login("ada@example.com")
    assert client.get("/en/profile").status_code == 200
    with app.app_context():
        from course.extensions import db
        from course.models import User

        db.session.get(User, user_id).active = False
        db.session.commit()
    assert client.get("/en/profile").status_code == 302  # the old session no longer works
    response = client.post("/en/login", data={"email": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 422 and b"deactivated" in response.data


def test_a_deactivated_account_with_a_remember_cookie_is_signed_out(app, client, make_user, db_rows):
    user_id = make_user(email="ada@example.com")
    client.post("/en/login", data={"email": "ada@example.com", "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None
    with client.session_transaction() as session:  # only the long-lived cookie is left
        session.clear()
    assert client.get("/en/profile").status_code == 200
    with app.app_context():
        from course.extensions import db
        from course.models import User

        db.session.get(User, user_id).active = False
        db.session.commit()
    with client.session_transaction() as session:
        session.clear()
    assert client.get("/en/profile").status_code == 302
    assert client.get("/en/profile").status_code == 302
