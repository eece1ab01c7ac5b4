"""Every page's head: a description in the page's language, its canonical
address and the same page in the other languages (for search engines)."""
import html
import re

from course.content import get_content

LESSON = "/{lang}/modules/external-customers/customer-vs-consumer"


def head_links(page: str) -> tuple[str, str, list[tuple[str, str]]]:
    description = html.unescape(re.search(r'<meta name="description" content="([^"]*)">', page)[1])
    canonical = re.findall(r'<link rel="canonical" href="([^"]+)">', page)
    alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page)
    assert len(canonical) == 1
    return description, canonical[0], alternates


def test_a_lesson_describes_itself_in_its_language_and_names_its_translations(app, client):
    with app.app_context():
        lesson = get_content().course("it").lesson("customer-vs-consumer").lesson
    description, canonical, alternates = head_links(client.get(LESSON.format(lang="it")).get_data(as_text=True))
    assert description == lesson.summary
    assert canonical == "http://aula.test" + LESSON.format(lang="it")
    assert alternates == [(code, "http://aula.test" + LESSON.format(lang=code)) for code in ("it", "es", "pl", "en")] + [
        ("x-default", "http://aula.test" + LESSON.format(lang="en"))]


def test_module_course_and_other_pages_use_the_nearest_summary(app, client):
    with app.app_context():
        course = get_content().course("pl")
        module_summary = course.module("complaints").module.summary
        course_summary = course.course.summary
    assert head_links(client.get("/pl/modules/complaints").get_data(as_text=True))[0] == module_summary
    assert head_links(client.get("/pl/").get_data(as_text=True))[0] == course_summary
    description, canonical, alternates = head_links(client.get("/pl/login").get_data(as_text=True))
    assert description == course_summary and canonical == "http://aula.test/pl/login"
    assert ("es", "http://aula.test/es/login") in alternates
    text = client.get(LESSON.format(lang="es") + "/text").get_data(as_text=True)
    with app.app_context():
        assert head_links(text)[0] == get_content().course("es").lesson("customer-vs-consumer").lesson.summary


def test_an_error_page_has_no_canonical_address(client):
    page = client.get("/en/modules/nothing-here").get_data(as_text=True)
    assert 'rel="canonical"' not in page and 'hreflang="x-default"' not in page
    assert '<meta name="description" content="We could not find that page.' in page
