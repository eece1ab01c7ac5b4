"""Course pages come from a cached shared part plus personal parts filled per
request: nothing personal is ever shared, visitors get cacheable pages, and a
cached page is the page the templates would render without the cache."""
import itertools
import re

import pytest

from course.pagecache import PersonalDataInSharedPart, UserStandIn
from tests.conftest import make_app

M1 = "external-customers"
REFLECTION_LESSON = "delivering-excellent-service"
PLAIN_LESSON = "customer-vs-consumer"
QUIZ_LESSON = "john-lewis-partnership-case-study"

PAGES = [
    "/en/",
    f"/en/modules/{M1}",
    f"/en/modules/{M1}/{REFLECTION_LESSON}",
    f"/en/modules/{M1}/{PLAIN_LESSON}",
    f"/en/modules/{M1}/{QUIZ_LESSON}",
    f"/it/modules/{M1}/{REFLECTION_LESSON}",
]

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def tokens(html: str) -> set[str]:
    return {a or b for a, b in TOKEN.findall(html)}


class Person:
    """A signed-in user with their own client and recognisable data."""

    def __init__(self, app, make_user, email, name, role="learner"):
        make_user(email=email, name=name, role=role)
        self.name, self.client = name, app.test_client()
        self.client.post("/en/login", data={"email": email, "password": "correct horse battery"})
        self.note = f"private note of {name}"
        self.answer = f"reflection answer of {name}"
        self.client.post(f"/en/modules/{M1}/{REFLECTION_LESSON}/notes", data={"text": self.note})
        page = self.client.get(f"/en/modules/{M1}/{REFLECTION_LESSON}").get_data(as_text=True)
        exercise = re.search(r'action="/en/modules/[^/]+/[^/]+/reflections/([^"]+)"', page).group(1)
        prompts = re.findall(r'name="(p-[^"]+)"', page.split(f"reflections/{exercise}", 1)[1])
        self.client.post(f"/en/modules/{M1}/{REFLECTION_LESSON}/reflections/{exercise}",
                         data={prompt: self.answer for prompt in prompts})
        self.seen: set[str] = set()

    def secrets(self) -> set[str]:
        return {self.name, self.note, self.answer}


@pytest.fixture
def people(app, make_user):
    ada = Person(app, make_user, "ada@example.com", "Ada Quintessa")
    bob = Person(app, make_user, "bob@example.com", "Bob Zephyrine")
    # Only Ada completes a lesson: her progress must not show up for Bob.
    ada.client.post(f"/en/modules/{M1}/{PLAIN_LESSON}/complete", data={"action": "complete"})
    root = Person(app, make_user, "root@example.com", "Rhea Administratrix", role="admin")
    return [ada, bob, root]


def test_no_page_ever_shows_another_users_data_whoever_warmed_the_cache(app, people):
    for order in itertools.permutations(people):
        app.extensions["aula.pages"].clear()
        for person in order:
            for url in PAGES:
                response = person.client.get(url)
                assert response.status_code == 200, url
                html = response.get_data(as_text=True)
                person.seen |= tokens(html)
                for other in people:
                    if other is not person:
                        for secret in other.secrets():
                            assert secret not in html, (person.name, url, secret)
                if url.endswith(PLAIN_LESSON):
                    done = "You have completed this lesson." in html
                    assert done == (person is people[0]), (person.name, url)
                if url == f"/en/modules/{M1}":
                    assert ('class="badge done"' in html) == (person is people[0]), person.name
    for person, other in itertools.permutations(people, 2):
        assert not person.seen & other.seen, "a CSRF token reached another user"
    # Each person saw their own data.
    ada = people[0]
    html = ada.client.get(f"/en/modules/{M1}/{REFLECTION_LESSON}").get_data(as_text=True)
    assert ada.note in html and ada.answer in html


def test_a_visitor_after_signed_in_users_gets_a_clean_public_page(app, people):
    for person in people:
        for url in PAGES:
            person.client.get(url)
    visitor = app.test_client()
    for url in PAGES:
        response = visitor.get(url)
        html = response.get_data(as_text=True)
        assert "Set-Cookie" not in response.headers, url
        assert not tokens(html), url
        for person in people:
            for secret in person.secrets():
                assert secret not in html
        if url.startswith(f"/en/modules/{M1}/"):
            assert "Want to keep track of your progress?" in html, url


def normalised(html: str) -> str:
    return TOKEN.sub('name="csrf_token" value="…"', html)


def test_a_cached_page_is_the_page_the_templates_render_without_the_cache(db_path, tmp_path, make_user):
    cached = make_app(db_path, OUTBOX_DIR=str(tmp_path / "a"))
    uncached = make_app(db_path, OUTBOX_DIR=str(tmp_path / "b"), PAGE_CACHE=False)
    for app in (cached, uncached):
        visitor, learner = app.test_client(), app.test_client()
        learner.post("/en/login", data={"email": "ada@example.com", "password": "correct horse battery"})
        app.clients = (visitor, learner)
    make_user(email="ada@example.com", name="Ada")
    for url in PAGES + [f"/pl/modules/{M1}", "/es/"]:
        for index in (0, 1):
            for _round in range(2):  # the second round is served from the cache
                one = cached.clients[index].get(url).get_data(as_text=True)
                other = uncached.clients[index].get(url).get_data(as_text=True)
                assert normalised(one) == normalised(other), url


def test_a_visitor_page_is_public_and_revalidates_with_304(client):
    url = f"/en/modules/{M1}/{PLAIN_LESSON}"
    response = client.get(url)
    assert response.status_code == 200
    directives = {d.strip() for d in response.headers["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=300"}
    assert response.headers["Vary"] == "Cookie"
    assert "Set-Cookie" not in response.headers
    etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_the_same_page_has_the_same_etag_in_every_worker(db_path, tmp_path):
    url = f"/it/modules/{M1}/{PLAIN_LESSON}"
    one = make_app(db_path, OUTBOX_DIR=str(tmp_path / "a")).test_client().get(url)
    two = make_app(db_path, OUTBOX_DIR=str(tmp_path / "b")).test_client().get(url)
    assert one.headers["ETag"] == two.headers["ETag"]
    assert one.headers["ETag"] != make_app(db_path, OUTBOX_DIR=str(tmp_path / "c")).test_client().get(
        f"/en/modules/{M1}/{PLAIN_LESSON}").headers["ETag"]


def test_signed_in_pages_are_private_and_never_stored(client, learner):
    for url in PAGES:
        response = client.get(url)
        assert response.headers["Cache-Control"] == "private, no-store"
        assert "ETag" not in response.headers


def test_a_reload_of_the_course_replaces_every_cached_page(db_path, tmp_path, make_user):
    import shutil

    from course.config import PROJECT_ROOT
    from course.content_runtime import reload_content

    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    app = make_app(db_path, OUTBOX_DIR=str(tmp_path / "outbox"), CONTENT_DIR=str(content))
    make_user(email="ada@example.com")
    visitor, learner = app.test_client(), app.test_client()
    learner.post("/en/login", data={"email": "ada@example.com", "password": "correct horse battery"})
    url = f"/en/modules/{M1}/{PLAIN_LESSON}"
    before = {c: c.get(url).get_data(as_text=True) for c in (visitor, learner)}
    lesson = content / "en" / M1 / f"{PLAIN_LESSON}.yaml"
    text = lesson.read_text()
    title = re.search(r"^title: (.*)$", text, re.M).group(1)
    lesson.write_text(text.replace(f"title: {title}", "title: A title after the reload", 1))
    with app.test_request_context():
        assert reload_content() == []
    for client in (visitor, learner):
        html = client.get(url).get_data(as_text=True)
        assert "<h1>A title after the reload</h1>" in html and f"<h1>{title}</h1>" in before[client]


def test_the_shared_part_refuses_anything_personal():
    stand_in = UserStandIn("learner")
    assert stand_in.is_authenticated and not stand_in.is_staff and stand_in.role == "learner"
    for name in ("name", "email", "id", "timezone"):
        with pytest.raises(PersonalDataInSharedPart):
            getattr(stand_in, name)
    assert UserStandIn(None).is_anonymous and UserStandIn("admin").is_staff


def test_a_flash_message_shows_once_on_a_cached_page(client, make_user, auth):
    make_user(email="flash@example.com")
    for _round in range(2):  # the second time, the signed-out course home's shared part is cached
        auth.login("flash@example.com")
        client.get("/en/")
        assert auth.logout().headers["Location"] == "/en/"
        page = client.get("/en/").get_data(as_text=True)
        assert page.count('<p class="flash flash-info">You have signed out.</p>') == 1
        assert "You have signed out." not in client.get("/en/").get_data(as_text=True)
