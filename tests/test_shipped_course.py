"""The shipped course (content/) as such: every page of it opens in every
language. The engine's own tests use tests/fixtures/course."""
import pytest

from course.content import get_content


def test_the_home_page_lists_the_four_modules(client):
    home = client.get("/en/").get_data(as_text=True)
    for title in ("External customers", "Understanding customer needs", "Complaints",
                  "Service problems and customer relationships"):
        assert title in home


@pytest.mark.parametrize("lang", ["it", "es", "pl", "en"])
def test_every_module_and_lesson_opens_in_every_language(client, app, lang):
    with app.app_context():
        view = get_content().course(lang)
        assert len(view.modules) == 4
        urls = [f"/{lang}/modules/{m.id}" for m in view.modules]
        urls += [f"/{lang}/modules/{m.id}/{ref.id}" for m in view.modules for ref in m.lessons]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{lang}">' in response.get_data(as_text=True)
