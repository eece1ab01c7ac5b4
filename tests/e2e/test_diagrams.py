"""The course's diagrams on a 375 px phone, in every language: the picture
loads, fills the width of the text without sideways scrolling, its labels stay
at least 11 px high, and the page has no accessibility violation. Screenshots
go to test-results/screenshots/diagram-<lesson>-<lang>-375.png."""
import pytest
from playwright.sync_api import expect

from .conftest import LANGS
from .helpers import assert_accessible, horizontal_overflow, screenshot

pytestmark = pytest.mark.e2e

DIAGRAMS = (
    ("external-customers", "internal-and-external-customers", "service-network"),
    ("customer-needs", "what-customers-look-for", "eleven-things"),
    ("complaints", "tactics", "tactics"),
    ("service-relationships", "service-quality-dimensions", "rater"),
)
SMALLEST_LABEL = 14  # SVG units (docs/authoring.md, "Diagrams")


@pytest.mark.parametrize("lang", LANGS)
def test_diagrams_read_well_on_a_phone(page, screenshots, lang):
    """(`page` fails the test on any error the browser reports.)"""
    page.set_viewport_size({"width": 375, "height": 800})
    for module, lesson, name in DIAGRAMS:
        page.goto(f"/{lang}/modules/{module}/{lesson}")
        picture = page.locator("figure.block-image img")
        expect(picture).to_have_attribute("src", f"/{lang}/media/{name}.{lang}.svg")
        picture.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
        box = picture.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
        assert box["width"] >= 320, box
        units = picture.evaluate("img => fetch(img.src).then(r => r.text()).then(t => "
                                 "new DOMParser().parseFromString(t, 'image/svg+xml').documentElement"
                                 ".getAttribute('viewBox').split(' ').map(Number)[2])")
        assert SMALLEST_LABEL * box["width"] / units >= 11
        assert horizontal_overflow(page) == []
        assert page.locator("figure.block-image figcaption").inner_text().strip()
        shot = screenshot(page, f"diagram-{lesson}-{lang}-375")
        assert shot.stat().st_size > 1000
        assert_accessible(page, f"{lesson} ({lang})")
