"""Static files: fingerprinted names, cached for a year; old names still answer."""
import hashlib
import re

from course.config import PROJECT_ROOT

STATIC = PROJECT_ROOT / "course" / "static"


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def test_pages_name_static_files_by_their_content(client):
    page = client.get("/en/").get_data(as_text=True)
    assert f'href="/static/style.{_digest(STATIC / "style.css")}.css"' in page
    assert f'src="/static/aula.{_digest(STATIC / "aula.js")}.js"' in page


def test_an_area_static_file_is_fingerprinted_too(client, learner):
    page = client.get("/en/reminders/").get_data(as_text=True)
    folder = PROJECT_ROOT / "course" / "reminders" / "static"
    assert f'src="/en/reminders/static/reminders.{_digest(folder / "reminders.js")}.js"' in page


def test_a_fingerprinted_file_is_immutable_for_a_year(client):
    name = f"style.{_digest(STATIC / 'style.css')}.css"
    with client.get(f"/static/{name}") as response:
        assert response.status_code == 200
        assert response.data == (STATIC / "style.css").read_bytes()
        directives = {d.strip() for d in response.headers["Cache-Control"].split(",")}
        assert directives == {"public", "max-age=31536000", "immutable"}


def test_the_plain_name_and_a_stale_hash_serve_the_current_file_briefly(client):
    for name in ("style.css", "style.0123456789ab.css"):
        with client.get(f"/static/{name}") as response:
            assert response.status_code == 200
            assert response.data == (STATIC / "style.css").read_bytes()
            assert "immutable" not in response.headers["Cache-Control"]
            assert re.search(r"max-age=3600\b", response.headers["Cache-Control"])


def test_a_missing_static_file_is_404(client):
    assert client.get("/static/nothing.0123456789ab.css").status_code == 404
    assert client.get("/static/nothing.css").status_code == 404
