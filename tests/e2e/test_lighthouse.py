"""Lighthouse (Google's page audit, as in Chrome's DevTools) on the course home,
a lesson, the sign-in page and the reminders page, with its mobile and desktop
presets: accessibility, best practices and SEO all score 100.

About 15 s a page on a quiet machine: marker `audit`, run by `make audit`
(and by .ci/run), not by `make test`.
"""
import json
from pathlib import Path

import pytest

from tests.clients.tools import lighthouse, lighthouse_failures

from .helpers import LESSON_WITH_DETAILS, MODULE_1

pytestmark = [pytest.mark.e2e, pytest.mark.audit]

PAGES = {
    "course home": ("/en/", False),
    "lesson": (f"/it/modules/{MODULE_1}/{LESSON_WITH_DETAILS}", False),
    "sign-in": ("/es/login", False),
    "reminders": ("/pl/reminders/", True),
}


@pytest.fixture(scope="module")
def learner_cookie(learner_state) -> str:
    cookies = json.loads(Path(learner_state).read_text())["cookies"]
    return "; ".join(f"{c['name']}={c['value']}" for c in cookies)


@pytest.mark.parametrize("preset", ["mobile", "desktop"])
@pytest.mark.parametrize("name", PAGES)
def test_lighthouse_scores_100(live_server, learner_cookie, monkeypatch, tmp_path, name, preset):
    # Canonical and alternate links name the address the page is served at, as in production.
    monkeypatch.setitem(live_server.app.config, "BASE_URL", live_server.url)
    path, signed_in = PAGES[name]
    report = lighthouse(live_server.url + path, tmp_path, preset, learner_cookie if signed_in else None)
    assert report["finalDisplayedUrl"] == live_server.url + path  # not a sign-in redirect
    scores = {key: category["score"] for key, category in report["categories"].items()}
    assert scores == {"accessibility": 1, "best-practices": 1, "seo": 1}, "\n".join(lighthouse_failures(report))
