"""The course's diagrams: each language's lesson names its own picture, which
is in content/media/, scales to any width (a viewBox and no fixed size), keeps
its words as real text in the lesson's language, needs nothing from outside,
and reaches the lesson page and its printable version with its alt text and
caption."""
import xml.etree.ElementTree as ET

import pytest
import yaml

from tests.authoring.helpers import SHIPPED

SVG = "{http://www.w3.org/2000/svg}"
LANGS = ("en", "it", "es", "pl")


def image_blocks(lang):
    """(lesson file, block) for every image block of a language."""
    found = []
    for path in sorted((SHIPPED / lang).rglob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        for block in data.get("blocks", ()) if isinstance(data, dict) else ():
            if block.get("type") == "image":
                found.append((path, block))
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_names_its_own_diagram_and_the_file_is_there(lang):
    blocks = image_blocks(lang)
    modules = {path.relative_to(SHIPPED / lang).parts[0] for path, _ in blocks}
    assert {"external-customers", "customer-needs", "complaints", "service-relationships"} <= modules
    for path, block in blocks:
        assert block["src"].endswith(f".{lang}.svg"), (path, block["src"])
        assert (SHIPPED / "media" / block["src"]).is_file(), (path, block["src"])
        assert block["alt"].strip() and block["caption"].strip()


@pytest.mark.parametrize("lang", LANGS)
def test_a_diagram_scales_keeps_its_words_as_text_and_needs_nothing_else(lang):
    for _, block in image_blocks(lang):
        source = (SHIPPED / "media" / block["src"]).read_text(encoding="utf-8")
        root = ET.fromstring(source)
        assert root.tag == f"{SVG}svg"
        assert root.get("viewBox") and root.get("width") is None and root.get("height") is None
        assert root.get("lang") == lang
        assert root.find(f"{SVG}title").text.strip() and root.find(f"{SVG}desc").text.strip()
        words = [t.text for t in root.iter(f"{SVG}text") if (t.text or "").strip()]
        assert len(words) >= 8, block["src"]
        fonts = {e.get("font-family") for e in root.iter() if e.get("font-family")}
        assert fonts and all(f.startswith("system-ui") and f.endswith("sans-serif") for f in fonts)
        # no style sheet (the site's Content-Security-Policy refuses inline styles),
        # no script, nothing loaded from elsewhere
        assert not list(root.iter(f"{SVG}style")) and not list(root.iter(f"{SVG}script"))
        assert "http://" not in source.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "https://" not in source and "<image" not in source


def test_the_diagrams_say_the_same_thing_in_every_language():
    """Each picture has as many labels in every language as in English."""
    for _, block in image_blocks("en"):
        english = ET.fromstring((SHIPPED / "media" / block["src"]).read_text(encoding="utf-8"))
        count = len(list(english.iter(f"{SVG}text")))
        for lang in LANGS[1:]:
            name = block["src"].replace(".en.svg", f".{lang}.svg")
            translated = ET.fromstring((SHIPPED / "media" / name).read_text(encoding="utf-8"))
            assert len(list(translated.iter(f"{SVG}text"))) == count, name


def test_the_lesson_page_and_its_printable_version_show_the_diagram(client):
    page = client.get("/it/modules/external-customers/internal-and-external-customers")
    html = page.get_data(as_text=True)
    assert '<img src="/it/media/service-network.it.svg" alt="Schema della rete di servizio.' in html
    assert "<figcaption>La rete di servizio: gli input arrivano a te" in html
    text = client.get("/it/modules/external-customers/internal-and-external-customers/text").get_data(as_text=True)
    assert '<figure><img src="/it/media/service-network.it.svg" alt="Schema della rete di servizio.' in text
    assert "<figcaption>La rete di servizio: gli input arrivano a te" in text
    with client.get("/it/media/service-network.it.svg") as picture:
        assert picture.status_code == 200 and picture.mimetype == "image/svg+xml"
        assert "Clienti interni" in picture.get_data(as_text=True)
