"""Languages in the URL, the switcher, and complete catalogues."""
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import click
import pytest
from babel.messages.pofile import read_po, write_po

from course.i18n import LANGUAGES
from course.i18n_cli import PACKAGE, PROJECT, TARGET_LANGUAGES, _pybabel, catalogues, extract

LESSON = "/{lang}/modules/external-customers/customer-vs-consumer"


def test_root_redirects_to_the_best_accept_language(client):
    assert client.get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"}).headers["Location"] == "/pl/"
    assert client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"}).headers["Location"] == "/es/"
    assert client.get("/", headers={"Accept-Language": "de-DE,fr;q=0.8"}).headers["Location"] == "/en/"
    assert client.get("/").headers["Location"] == "/en/"


def test_root_redirects_a_signed_in_learner_to_their_language(client, make_user, auth):
    make_user(email="ada@example.com", lang="it")
    auth.login("ada@example.com")
    assert client.get("/", headers={"Accept-Language": "pl"}).headers["Location"] == "/it/"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_declare_their_language(client, lang):
    page = client.get(f"/{lang}/").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page


def test_an_unknown_language_is_a_translated_404(client):
    response = client.get("/de/")
    assert response.status_code == 404
    response = client.get("/pl/modules/no-such-module")
    assert response.status_code == 404
    assert "Nie znaleziono strony" in response.get_data(as_text=True)


def test_the_language_switcher_keeps_the_learner_on_the_same_lesson(client):
    page = client.get(LESSON.format(lang="pl")).get_data(as_text=True)
    for lang in LANGUAGES:
        assert f'href="{LESSON.format(lang=lang)}"' in page
    assert re.search(r'<a href="/pl/modules/external-customers/customer-vs-consumer" lang="pl" hreflang="pl" aria-current="true">', page)


def test_a_page_from_a_post_only_address_switches_language_to_the_course_home(app, client, make_user):
    from course.extensions import db
    from course.models import User
    from course.reminders.tokens import unsubscribe_token

    uid = make_user(email="kiri@example.com")
    with app.test_request_context("/"):
        token = unsubscribe_token(db.session.get(User, uid))
    # The undo of an unsubscribe answers a POST with a page; a GET of its address would be a 405.
    page = client.post(f"/pl/reminders/unsubscribe/{token}/undo")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<a href="/it/" lang="it" hreflang="it">' in html
    assert f'href="/it/reminders/unsubscribe/{token}/undo"' not in html


def test_numbers_are_formatted_for_the_locale(client, learner):
    # A percentage in Polish and Spanish has a space (or no-break space) before %, English none.
    en = client.get("/en/").get_data(as_text=True)
    pl = client.get("/pl/").get_data(as_text=True)
    assert re.search(r'class="progress-text">0%<', en)
    assert re.search(r'class="progress-text">0\s?%<', pl)


def _entries(po_path: Path):
    with po_path.open("rb") as fh:
        return [m for m in read_po(fh) if m.id]


@pytest.mark.parametrize("folder", sorted(catalogues()), ids=lambda p: p.parent.name)
def test_every_catalogue_is_complete_and_up_to_date(folder):
    sources = catalogues()[folder]
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        extract(folder, sources, pot)
        with pot.open("rb") as fh:
            wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    for lang in TARGET_LANGUAGES:
        po = folder / lang / "LC_MESSAGES" / "messages.po"
        assert po.exists(), f"{po} is missing: run flask translate update"
        entries = _entries(po)
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in entries}
        assert wanted - have == set(), f"{po}: strings not extracted yet (flask translate update)"
        fuzzy = [m.id for m in entries if m.fuzzy]
        assert not fuzzy, f"{po}: fuzzy entries are dropped at compile time: {fuzzy}"
        empty = [m.id for m in entries if (not m.string if isinstance(m.string, str) else not all(m.string))]
        assert not empty, f"{po}: untranslated: {empty}"


def test_a_string_reads_the_same_in_every_catalogue():
    """Flask-Babel merges the catalogues: one string must not have two translations."""
    for lang in TARGET_LANGUAGES:
        seen: dict[str, tuple[str, Path]] = {}
        for folder in sorted(catalogues()):
            for message in _entries(folder / lang / "LC_MESSAGES" / "messages.po"):
                key = message.id if isinstance(message.id, str) else message.id[0]
                text = message.string if isinstance(message.string, str) else message.string[0]
                if key in seen:
                    assert seen[key][0] == text, f"{lang}: {key!r} is {seen[key][0]!r} in {seen[key][1]} but {text!r} in {folder}"
                else:
                    seen[key] = (text, folder)


def test_extracting_in_process_gives_what_the_pybabel_command_gives(tmp_path):
    """`flask translate` runs Babel's command line in its own process: the same template as `pybabel`
    run in the project's folder (the core catalogue: single modules and whole folders as sources)."""
    folder = PACKAGE / "translations"
    extract(folder, catalogues()[folder], tmp_path / "in-process.pot")
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "pyproject.toml", "-k", "_l",
                    "--no-location", "--sort-output", "--omit-header", "-o", str(tmp_path / "command.pot"),
                    *[str(source.relative_to(PROJECT)) for source in catalogues()[folder]]],
                   cwd=PROJECT, check=True, capture_output=True)
    made = (tmp_path / "in-process.pot").read_bytes()
    assert made == (tmp_path / "command.pot").read_bytes()
    assert made.count(b"\nmsgid ") > 50


def test_update_adds_a_new_string_untranslated_and_keeps_every_translation(tmp_path):
    source = PACKAGE / "xapi" / "translations"
    shutil.copytree(source, tmp_path / "translations")
    po = tmp_path / "translations" / "it" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    before = {message.id: message.string for message in catalog if message.id}
    new = sorted(key for key in before if isinstance(key, str))[0]
    del catalog[new]  # as if the string had just been added to the code
    with po.open("wb") as fh:
        write_po(fh, catalog)
    extract(source, catalogues()[source], tmp_path / "messages.pot")
    _pybabel("update", "-i", str(tmp_path / "messages.pot"), "-d", str(tmp_path / "translations"), "-l", "it",
             "--no-fuzzy-matching", "--ignore-obsolete")
    after = {message.id: message.string for message in _entries(po)}
    assert after == {**before, new: ""}


def test_a_pybabel_failure_is_one_clear_error(tmp_path):
    with pytest.raises(click.ClickException) as missing:
        _pybabel("update", "-i", str(tmp_path / "messages.pot"), "-d", str(tmp_path), "-l", "it")
    assert missing.value.message == f"pybabel update failed: [Errno 2] No such file or directory: '{tmp_path}/messages.pot'"
    with pytest.raises(click.ClickException) as usage:
        _pybabel("extract", "--no-such-option")
    assert usage.value.message == "pybabel extract failed (status 2); see the messages above"
