"""Learners' calendar feeds, downloaded from the app and expanded over the
next 400 days by Mozilla's ical.js (Thunderbird and others, in Node) and by
Python's recurring-ical-events: every study time at the learner's chosen
local time on the chosen days, across every daylight-saving change."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.reminders.feed_cases import SCHEDULE, ZONES, Case, feed_case, local_minutes
from tests.reminders.test_calendar_zones import NOVEMBER, expand, own_definition
from tests.reminders.test_views import feed_path, form_data

from .tools import ical_js_expand

pytestmark = [pytest.mark.e2e, pytest.mark.clients]  # slow and real: not in the quick suite


def app_feeds(app, client, make_user, auth) -> list[Case]:
    """Each zone's learner sets the schedule on the reminders page; the calendar app downloads the feed."""
    days = [(enabled, f"{minute // 60:02d}:{minute % 60:02d}") for _, enabled, minute in sorted(SCHEDULE)]
    found = []
    for number, zone in enumerate(ZONES):
        email = f"zone{number}@example.com"
        make_user(email=email)
        auth.login(email)
        assert client.post("/en/reminders/", data=form_data(days, timezone=zone)).status_code == 302
        path = feed_path(client.get("/en/reminders/").get_data(as_text=True))
        auth.logout()
        now = datetime.now(timezone.utc)
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "text/calendar"
        found.append(Case(zone, now, now, response.data))
    return found


def ical_js(cases: list[Case], folder) -> list[list[str]]:
    jobs = []
    for number, case in enumerate(cases):
        path = folder / f"feed-{number}.ics"
        path.write_bytes(case.feed)
        start, end = case.window()
        jobs.append((path, int(start.timestamp()), int(end.timestamp())))
    return [[datetime.fromtimestamp(unix, ZoneInfo(case.zone)).strftime("%Y-%m-%d %H:%M") for unix in starts]
            for case, starts in zip(cases, ical_js_expand(jobs))]


def test_ical_js_and_recurring_ical_events_place_every_study_time(app, client, make_user, auth, tmp_path):
    # The learners' feeds as the app serves them today, and the issue's case: accounts made in
    # November, whose study times ical.js moved by an hour after the next DST change.
    cases = app_feeds(app, client, make_user, auth) + [feed_case(zone, NOVEMBER, NOVEMBER) for zone in ZONES]
    expected = [local_minutes(case.expected()) for case in cases]
    assert all(len(starts) > 300 for starts in expected)
    assert ical_js(cases, tmp_path) == expected
    assert [expand(case.feed, case) for case in cases] == expected
    assert [expand(own_definition(case), case) for case in cases] == expected
