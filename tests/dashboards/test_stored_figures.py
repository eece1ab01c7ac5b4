"""The administrators' dashboard reads figures computed by the worker
(`reminders run`), by `flask dashboards refresh` or by "Refresh now"; it
computes them itself only when none are stored or they are too old."""
import re
import subprocess
import sys
import threading
from datetime import timedelta, timezone
from pathlib import Path
from unittest import mock

import pytest
from babel.dates import format_datetime
from sqlalchemy import create_engine, insert, text

from course import create_app
from course.config import PROJECT_ROOT
from course.models import LessonProgress, utcnow
from tests.activities.conftest import M1
from tests.conftest import TEST_SECRET, csrf_token_from
from tests.dashboards.test_pages import AT, populate, table_rows

FLASK = str(Path(sys.executable).with_name("flask"))


@pytest.fixture
def people(app, make_user, course):
    """The known population of test_pages: learners a, b, c (d never started) and an admin."""
    ids = {who: make_user(email=f"{who}@example.com") for who in ("a", "b", "c", "d")}
    ids["staff"] = make_user(email="staff@example.com", role="admin")
    populate(app, ids, course)
    return ids


def stored_rows(database_url) -> list[tuple[str, str]]:
    """(kind, computed_at) of every stored figure, read straight from the database."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = [(kind, str(at)[:19]) for kind, at in
                conn.execute(text("SELECT kind, computed_at FROM dashboard_figures ORDER BY kind"))]
    engine.dispose()
    return rows


def start_module(app, user_id, course):
    """`user_id` opens the first lesson of the first module (history: no study day)."""
    from course.extensions import db

    lesson = course().module(M1).published_lessons()[0].id
    with app.app_context():
        db.session.execute(insert(LessonProgress).values(user_id=user_id, module_id=M1, lesson_id=lesson,
                                                         first_opened_at=AT, last_opened_at=AT))
        db.session.commit()


def refresh_at(app, moment):
    from course.dashboards import stored

    with app.app_context():
        return stored.refresh(moment)


def started_in_first_module(client) -> str:
    return table_rows(client.get("/en/admin/dashboard").get_data(as_text=True), "funnel-table")[0][1]


def as_of(moment, minutes=10) -> str:
    return (f"Figures as of {format_datetime(moment, 'medium', tzinfo=timezone.utc, locale='en')} (UTC), "
            f"refreshed every {minutes} minutes.")


def test_stored_figures_equal_the_live_aggregates(app, people, course):
    from course.admin.insight import quiz_stats
    from course.dashboards import figures, stored

    view = course()
    now = utcnow()
    with app.app_context():
        stored.refresh(now)
        found = stored.load()
        today = now.date()
        assert found.day == today and found.computed_at == now
        assert found.funnel == {M1: [3, 2, 1], **{m.id: [0, 0, 0] for m in view.modules[1:]}}
        assert figures.funnel(view, found.funnel) == figures.funnel(view)
        assert quiz_stats(view, found.quizzes) == quiz_stats(view)
        final = view.module(M1).final_quiz
        assert found.quizzes[final.id]["questions"][final.questions[0].id] == [2, 2, 1]
        assert found.active == figures.active_per_week(today)
        assert [count for _monday, count in found.active[-3:]] == [1, 2, 0]
        assert found.effect == figures.reminder_effect(today)
        assert (found.effect.learners_reminder, found.effect.learners_other) == (1, 3)


def test_the_page_shows_the_stored_figures_and_when_they_were_computed(app, client, auth, people, course):
    computed = utcnow().replace(microsecond=0) - timedelta(minutes=5)
    refresh_at(app, computed)
    start_module(app, people["d"], course)  # after the refresh: not in the figures yet
    auth.login("staff@example.com")
    html = client.get("/en/admin/dashboard").get_data(as_text=True)
    assert table_rows(html, "funnel-table")[0] == ["External customers", "3", "2 (67%)", "1 (33%)"]
    assert as_of(computed) in html
    assert '<button type="submit" aria-describedby="figures-as-of">Refresh now</button>' in html


def test_the_page_names_stored_figures_in_the_viewers_language(app, client, auth, people, course):
    computed = utcnow().replace(microsecond=0) - timedelta(minutes=1)
    refresh_at(app, computed)
    auth.login("staff@example.com", lang="pl")
    html = client.get("/pl/admin/dashboard").get_data(as_text=True)
    polish = course("pl")
    assert table_rows(html, "funnel-table")[0][:2] == [polish.module(M1).module.title, "3"]
    assert polish.module(M1).final_quiz.title in html
    when = format_datetime(computed, "medium", tzinfo=timezone.utc, locale="pl")
    assert f"Dane z {when} (UTC), odświeżane co 10 minut." in html


def test_figures_older_than_twice_the_interval_are_computed_again_by_the_page(app, client, auth, people, course,
                                                                             database_url):
    now = utcnow()
    refresh_at(app, now - timedelta(minutes=19))
    start_module(app, people["d"], course)
    auth.login("staff@example.com")
    assert started_in_first_module(client) == "3"  # 19 minutes old: still shown
    refresh_at(app, now - timedelta(minutes=21))  # older figures never replace newer ones...
    assert started_in_first_module(client) == "3"
    from course.extensions import db
    with app.app_context():  # ...so make the stored ones 21 minutes old
        db.session.execute(text("UPDATE dashboard_figures SET computed_at = :at"),
                           {"at": (now - timedelta(minutes=21)).replace(tzinfo=None)})
        db.session.commit()
    assert started_in_first_module(client) == "4"  # a worker would have refreshed them: the page does
    assert all(at >= f"{now:%Y-%m-%d %H:%M:%S}" for _kind, at in stored_rows(database_url))


def test_a_page_with_no_figures_stored_computes_and_stores_them(client, auth, people, database_url):
    assert stored_rows(database_url) == []
    auth.login("staff@example.com")
    before = utcnow()
    assert started_in_first_module(client) == "3"
    rows = stored_rows(database_url)
    assert [kind for kind, _at in rows] == ["active_per_week", "funnel", "quizzes", "reminder_effect"]
    assert len({at for _kind, at in rows}) == 1 and rows[0][1] >= f"{before:%Y-%m-%d %H:%M:%S}"


@pytest.mark.parametrize("data", ["not json", '{"since": "2026-01-01"}', "[1, 2]"])
def test_stored_figures_that_cannot_be_read_are_computed_again(app, client, auth, people, course, data):
    refresh_at(app, utcnow())
    start_module(app, people["d"], course)
    from course.extensions import db
    with app.app_context():
        db.session.execute(text("UPDATE dashboard_figures SET data = :data WHERE kind = 'reminder_effect'"),
                           {"data": data})
        db.session.commit()
    auth.login("staff@example.com")
    assert started_in_first_module(client) == "4"
    from course.dashboards import stored
    with app.app_context():
        assert stored.load().effect.learners_other == 3


@pytest.mark.parametrize("app_config", [{"DASHBOARD_REFRESH_MINUTES": 30}])
def test_the_interval_is_a_setting(app, client, auth, people, course):
    computed = utcnow().replace(microsecond=0) - timedelta(minutes=50)
    refresh_at(app, computed)
    start_module(app, people["d"], course)
    auth.login("staff@example.com")
    html = client.get("/en/admin/dashboard").get_data(as_text=True)
    assert table_rows(html, "funnel-table")[0][1] == "3"  # 50 minutes: within twice 30
    assert as_of(computed, 30) in html


def tick(app, moment):
    """One turn of the worker loop (`reminders run`), at `moment` for the dashboards."""
    from course.reminders.cli import run_forever
    from course.signals import scheduler_tick

    stop = threading.Event()

    def stop_after_this_tick(_sender, **_extra):
        stop.set()

    scheduler_tick.connect(stop_after_this_tick)
    try:
        with mock.patch("course.dashboards.stored.utcnow", return_value=moment), app.app_context():
            run_forever(stop, echo=lambda _line: None)
    finally:
        scheduler_tick.disconnect(stop_after_this_tick)


def test_the_worker_refreshes_the_figures_after_the_interval_and_not_before(app, people, course, database_url):
    start = utcnow().replace(microsecond=0)
    tick(app, start)
    assert stored_rows(database_url) == [(kind, f"{start:%Y-%m-%d %H:%M:%S}") for kind in
                                         ("active_per_week", "funnel", "quizzes", "reminder_effect")]
    start_module(app, people["d"], course)
    tick(app, start + timedelta(minutes=9, seconds=59))
    assert {at for _kind, at in stored_rows(database_url)} == {f"{start:%Y-%m-%d %H:%M:%S}"}
    later = start + timedelta(minutes=10)
    tick(app, later)
    assert {at for _kind, at in stored_rows(database_url)} == {f"{later:%Y-%m-%d %H:%M:%S}"}
    from course.dashboards import stored
    with app.app_context():
        assert stored.load().funnel[M1] == [4, 2, 1]


def test_a_failing_refresh_is_logged_and_the_worker_goes_on(app, people, database_url, caplog):
    from course.dashboards import stored

    with mock.patch.object(stored, "compute", side_effect=RuntimeError("disk on fire")):
        tick(app, utcnow())
    assert stored_rows(database_url) == []
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        "dashboards: refreshing the figures failed"]
    tick(app, utcnow())  # the next tick tries again
    assert len(stored_rows(database_url)) == 4


def test_dashboards_refresh_command(app, runner, people, database_url):
    result = runner.invoke(args=["dashboards", "refresh"], env={"LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"})
    assert result.exit_code == 0, result.output
    match = re.fullmatch(r"Dashboard figures as of (.+) \(UTC\), computed in \d+(\.\d)? s\.\n", result.output)
    assert match, result.output
    from course.dashboards import stored
    with app.app_context():
        found = stored.load()
    assert match.group(1) == format_datetime(found.computed_at, "medium", tzinfo=timezone.utc, locale="en")
    assert found.funnel[M1] == [3, 2, 1]
    polish = runner.invoke(args=["dashboards", "refresh"], env={"LC_ALL": None, "LC_MESSAGES": None,
                                                                "LANG": "pl_PL.UTF-8"})
    assert polish.exit_code == 0
    assert re.fullmatch(r"Dane panelu z .+ \(UTC\), obliczone w \d+(,\d)? s\.\n", polish.output), polish.output


def test_dashboards_refresh_on_a_database_without_the_schema_exits_1(database_store):
    url = database_store.empty()
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET})
        result = app.test_cli_runner().invoke(args=["dashboards", "refresh"], env={"LC_ALL": None, "LANG": "C"})
        with app.app_context():
            from course.extensions import db
            db.engine.dispose()
    finally:
        database_store.drop(url)
    assert result.exit_code == 1
    assert result.output.startswith("Error: The figures could not be computed: ")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_refresh_now_needs_an_administrator_and_a_csrf_token(app, client, auth, people, course):
    computed = utcnow().replace(microsecond=0) - timedelta(minutes=5)
    refresh_at(app, computed)
    start_module(app, people["d"], course)

    login = client.get("/en/login").get_data(as_text=True)
    client.post("/en/login", data={"email": "a@example.com", "password": "correct horse battery",
                                   "csrf_token": csrf_token_from(login)})
    token = csrf_token_from(client.get("/en/reminders/").get_data(as_text=True))
    assert client.post("/en/admin/dashboard/refresh", data={"csrf_token": token}).status_code == 403
    client.post("/en/logout", data={"csrf_token": token})

    login = client.get("/en/login").get_data(as_text=True)
    client.post("/en/login", data={"email": "staff@example.com", "password": "correct horse battery",
                                   "csrf_token": csrf_token_from(login)})
    page = client.get("/en/admin/dashboard").get_data(as_text=True)
    assert client.post("/en/admin/dashboard/refresh").status_code == 400  # no token
    assert table_rows(client.get("/en/admin/dashboard").get_data(as_text=True), "funnel-table")[0][1] == "3"
    response = client.post("/en/admin/dashboard/refresh", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/admin/dashboard"
    html = client.get("/en/admin/dashboard").get_data(as_text=True)
    assert table_rows(html, "funnel-table")[0][1] == "4"
    from course.dashboards import stored
    with app.app_context():
        found = stored.load()
    assert found.computed_at > computed
    when = format_datetime(found.computed_at, "medium", tzinfo=timezone.utc, locale="en")
    assert f"The figures were computed again at {when} (UTC)." in html
    assert as_of(found.computed_at) in html


def test_older_figures_never_replace_newer_ones(app, people):
    from course.dashboards import stored

    newer = utcnow()
    with app.app_context():
        stored.refresh(newer)
        stored.refresh(newer - timedelta(minutes=1))  # a slower refresh that started earlier commits last
        assert stored.load().computed_at == newer


def test_a_page_and_a_worker_refreshing_at_once_both_succeed(app, client, auth, people, course):
    """The worker has computed its figures but not yet stored them when the
    page computes and stores its own (newer) ones: both succeed, and the
    worker's older figures do not replace the page's."""
    from course.dashboards import stored

    real_store, errors = stored.store, []
    computed, go_on = threading.Event(), threading.Event()

    def store_late_in_the_worker(found):
        if threading.current_thread() is worker:
            computed.set()
            go_on.wait(60)
        real_store(found)

    def work():
        try:
            refresh_at(app, utcnow())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    with mock.patch.object(stored, "store", store_late_in_the_worker):
        worker = threading.Thread(target=work)
        worker.start()
        assert computed.wait(60)
        start_module(app, people["d"], course)
        auth.login("staff@example.com")
        assert started_in_first_module(client) == "4"  # none stored yet: the page computed them
        go_on.set()
        worker.join(60)
    assert errors == []
    with app.app_context():
        assert stored.load().funnel[M1] == [4, 2, 1]
    assert started_in_first_module(client) == "4"


def test_two_refresh_commands_at_once_both_succeed(people, database_url):
    env = {"DATABASE_URL": database_url, "SECRET_KEY": TEST_SECRET, "CONTENT_DIR": str(PROJECT_ROOT / "content"),
           "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    procs = [subprocess.Popen([FLASK, "--app", "app", "dashboards", "refresh"], env=env, cwd=PROJECT_ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert all(out.startswith("Dashboard figures as of ") for out, _err in outputs)
    assert [kind for kind, _at in stored_rows(database_url)] == ["active_per_week", "funnel", "quizzes",
                                                                 "reminder_effect"]


@pytest.mark.parametrize("value", ["0", "-5", "ten", "1.5", " "])
def test_a_bad_refresh_interval_stops_the_app_with_a_clear_message(value, monkeypatch):
    monkeypatch.setenv("DASHBOARD_REFRESH_MINUTES", value)
    with pytest.raises(ValueError) as error:
        create_app({"SECRET_KEY": TEST_SECRET, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert str(error.value) == f"DASHBOARD_REFRESH_MINUTES must be a whole number of minutes, 1 or more (it is {value!r})"


def test_the_refresh_interval_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("DASHBOARD_REFRESH_MINUTES", raising=False)
    assert create_app({"SECRET_KEY": TEST_SECRET, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).config[
        "DASHBOARD_REFRESH_MINUTES"] == 10
    monkeypatch.setenv("DASHBOARD_REFRESH_MINUTES", "15")
    assert create_app({"SECRET_KEY": TEST_SECRET, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).config[
        "DASHBOARD_REFRESH_MINUTES"] == 15
