"""The access decorators every area uses (course/auth/decorators.py)."""
import pytest
from flask import Blueprint

from course.auth.decorators import admin_required, login_required, restrict_blueprint, staff_required
from course.models import Role
from tests.conftest import make_app


@pytest.fixture
def app(db_path, tmp_path):
    """The app with a small blueprint guarded the way areas guard theirs."""
    bp = Blueprint("guarded", __name__, url_prefix="/<lang>/guarded")
    restrict_blueprint(bp, Role.ADMIN)

    @bp.get("/default")
    def default():
        return "default"

    @bp.get("/staff")
    @staff_required
    def staff():
        return "staff"

    @bp.route("/signed-in", methods=["GET", "POST"])
    @login_required
    def signed_in():
        return "signed-in"

    open_bp = Blueprint("open", __name__, url_prefix="/<lang>/open")

    @open_bp.get("/admin")
    @admin_required
    def admin_only():
        return "admin"

    app = make_app(db_path, OUTBOX_DIR=str(tmp_path / "outbox"))
    app.register_blueprint(bp)
    app.register_blueprint(open_bp)
    return app


def _status_as(client, auth, make_user, role, path, **kwargs):
    if role is not None:
        make_user(email=f"{role}@example.com", role=role)
        auth.login(f"{role}@example.com")
    return client.get(path, **kwargs)


@pytest.mark.parametrize("role, path, status", [
    ("learner", "/en/guarded/default", 403),
    ("instructor", "/en/guarded/default", 403),
    ("admin", "/en/guarded/default", 200),
    ("learner", "/en/guarded/staff", 403),
    ("instructor", "/en/guarded/staff", 200),
    ("admin", "/en/guarded/staff", 200),
    ("learner", "/en/guarded/signed-in", 200),
    ("learner", "/en/open/admin", 403),
    ("instructor", "/en/open/admin", 403),
    ("admin", "/en/open/admin", 200),
])
def test_each_role_gets_exactly_what_the_view_allows(client, auth, make_user, role, path, status):
    assert _status_as(client, auth, make_user, role, path).status_code == status


@pytest.mark.parametrize("path", ["/en/guarded/default", "/en/guarded/staff", "/en/guarded/signed-in",
                                  "/en/open/admin"])
def test_a_visitor_is_sent_to_sign_in_and_back(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/en/login?next={path}?"


def test_a_json_request_from_a_visitor_gets_json_401(client):
    response = client.post("/en/guarded/signed-in", json={"text": "kept"})
    assert response.status_code == 401
    assert response.get_json() == {
        "ok": False, "message": "Not saved: you are no longer signed in. Sign in again, then save."}


def test_a_visitor_json_message_is_in_their_language(client):
    response = client.post("/it/guarded/signed-in", json={})
    assert response.status_code == 401
    assert response.get_json()["message"] == (
        "Non salvato: la sessione è terminata. Accedi di nuovo, poi salva.")
