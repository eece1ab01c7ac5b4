"""Downloading completion records from the browser: streamed, filtered, audited."""
import csv
import re
import io
import json

import pytest
from sqlalchemy import insert

from course.admin import cli as export_cli, export, views as admin_views
from course.admin import records
from course.extensions import db
from tests.admin import synthetic, xapi_rules


def test_the_export_page_offers_the_filters_and_three_formats(client, admin):
    page = client.get("/en/admin/export").get_data(as_text=True)
    for control in ('name="module"', 'name="lang"', 'name="since"', 'name="until"',
                    'value="csv"', 'value="jsonl"', 'value="xapi"'):
        assert control in page
    assert 'method="get"' in page
    assert page.count('type="date"') == 2 and "placeholder" not in page  # a date input takes no placeholder


def test_a_mistyped_day_stays_in_a_text_box_beside_its_error(client, admin):
    """A date input may only hold YYYY-MM-DD: what the admin typed is kept in a text box to correct."""
    page = client.get("/en/admin/export?format=csv&since=31/12/2026&until=2026-12-31").get_data(as_text=True)
    assert '<input aria-describedby="since-help since-error" aria-invalid="true" id="since" name="since" ' \
           'type="text" value="31/12/2026">' in page
    assert 'id="until" name="until" type="date" value="2026-12-31">' in page


@pytest.mark.parametrize("fmt, media_type, suffix", [
    ("csv", "text/csv; charset=utf-8", ".csv"),
    ("jsonl", "application/x-ndjson; charset=utf-8", ".jsonl"),
    ("xapi", "application/json; charset=utf-8", ".xapi.json"),
])
def test_download_each_format(client, admin, make_user, fmt, media_type, suffix, db_rows):
    make_user(email="ada@example.com", name="Ada", lang="es")
    response = client.get(f"/en/admin/export?format={fmt}&lang=es")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == media_type
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="completions-') and disposition.endswith(f'-es{suffix}"')
    body = response.get_data(as_text=True)
    if fmt == "csv":
        assert len(list(csv.reader(io.StringIO(body)))) == 1 + 4
    elif fmt == "jsonl":
        assert [json.loads(line)["name"] for line in body.splitlines()] == ["Ada"] * 4
    else:
        assert json.loads(body) == []  # nothing completed or attempted yet
    assert db_rows("SELECT count(*) FROM audit_log WHERE action = 'export'") == 1
    details = json.loads(db_rows("SELECT details FROM audit_log"))
    assert details == {"format": fmt, "filters": {"lang": "es"}, "source": "web"}
    assert db_rows("SELECT actor_email FROM audit_log") == "boss@example.com"


@pytest.mark.parametrize("query, field, message", [
    ("module=nope", "module", "Unknown module"),
    ("lang=de", "lang", "Unknown language"),
    ("since=2026-02-30", "since", "YYYY-MM-DD"),
    ("since=2026-03-02&until=2026-03-01", "until", "on or after the start date"),
])
def test_bad_filters_are_shown_on_the_page_and_kept(client, admin, query, field, message, db_rows):
    response = client.get(f"/en/admin/export?format=csv&{query}")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("text/html")
    assert message in page
    assert f'id="{field}-error"' in page
    assert re.search(rf'aria-describedby="[^"]*{field}-error"[^>]*id="{field}"', page)
    if field in ("since", "until"):
        value = query.split(f"{field}=")[1].split("&")[0]
        assert f'value="{value}"' in page
    assert db_rows("SELECT count(*) FROM audit_log") == 0


def test_an_unknown_format_is_refused_with_a_message(client, admin, db_rows):
    response = client.get("/en/admin/export?format=xlsx")
    assert response.status_code == 422
    assert "Choose a format" in response.get_data(as_text=True)
    assert db_rows("SELECT count(*) FROM audit_log") == 0


def test_the_messages_are_translated(client, admin):
    page = client.get("/it/admin/export?format=csv&since=ieri").get_data(as_text=True)
    assert "Inserisci la data nel formato AAAA-MM-GG, per esempio 2026-03-31." in page
    assert "Enter the date as" not in page


LEARNERS = 2500


@pytest.fixture
def many_learners(app, specs):
    """A few thousand learners with varied progress, inserted in bulk."""
    with app.app_context():
        with db.engine.begin() as connection:
            counts = synthetic.populate(connection, specs, LEARNERS, first_id=1000)
    return counts


def test_a_big_export_streams_and_matches_a_direct_count(app, client, admin, many_learners, monkeypatch, db_rows):
    read = {"rows": 0}
    original = records.completion_rows

    def counting(*args, **kwargs):
        for row in original(*args, **kwargs):
            read["rows"] += 1
            yield row

    monkeypatch.setattr(records, "completion_rows", counting)
    response = client.get("/en/admin/export?format=csv", buffered=False)
    assert response.status_code == 200
    body = iter(response.response)
    header = next(body)
    assert header.startswith(b"learner_id,")
    first_rows = next(body)
    # The first rows went out while most of the records were still unread.
    assert 0 < read["rows"] < LEARNERS
    rest = b"".join(body)
    response.close()
    lines = list(csv.reader(io.StringIO((header + first_rows + rest).decode("utf-8"))))
    expected = db_rows("SELECT count(*) FROM users WHERE role = 'learner'") * 4
    assert len(lines) - 1 == expected == LEARNERS * 4 == read["rows"]
    completed = db_rows("SELECT count(*) FROM module_completions")
    assert sum(1 for line in lines[1:] if line[16]) == completed == many_learners["module_completions"]
    attempts = db_rows("SELECT count(*) FROM quiz_attempts WHERE quiz_id LIKE '%-final'")
    assert sum(int(line[13]) for line in lines[1:]) == attempts


def test_a_big_xapi_export_is_valid_and_filtered(client, admin, many_learners, db_rows):
    response = client.get("/en/admin/export?format=xapi&module=complaints&since=2026-01-01&until=2026-12-31")
    statements = json.loads(response.get_data(as_text=True))
    completed = [s for s in statements if s["verb"]["id"].endswith("/completed")]
    assert len(completed) == db_rows("SELECT count(*) FROM module_completions WHERE module_id = 'complaints'")
    assert len({s["id"] for s in statements}) == len(statements)
    for statement in statements[:200]:
        assert xapi_rules.problems(statement) == []


def test_the_download_and_the_cli_share_one_function(app, client, admin, make_user, runner):
    make_user(email="ada@example.com", name="Ada")
    web = client.get("/en/admin/export?format=jsonl").get_data(as_text=True)
    result = runner.invoke(args=["export", "completions", "--format", "jsonl"])
    assert result.exit_code == 0
    assert result.stdout == web
    assert export_cli.export_chunks is export.export_chunks  # the one stream both use
    assert admin_views.export_chunks is export.export_chunks
