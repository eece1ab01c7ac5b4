"""course.database's portable paths, for databases without INSERT ... ON CONFLICT:
walked here on SQLite by hiding its ON CONFLICT support."""
from datetime import date, datetime, timezone

from sqlalchemy import select

from course import database
from course.extensions import db
from course.models import DashboardFigure


def _row(data, hour):
    return {"kind": "funnel", "day": date(2026, 11, 29), "data": data,
            "computed_at": datetime(2026, 11, 29, hour, tzinfo=timezone.utc)}


def test_upsert_unless_newer_without_on_conflict_keeps_the_later_figures(app, monkeypatch):
    monkeypatch.setattr(database, "_insert_on_conflict", lambda _connection: None)
    with app.app_context():
        with db.engine.begin() as connection:
            database.upsert_unless_newer(connection, DashboardFigure, [_row("first", 10)], ["kind"], "computed_at")
            database.upsert_unless_newer(connection, DashboardFigure, [_row("newer", 12)], ["kind"], "computed_at")
            database.upsert_unless_newer(connection, DashboardFigure, [_row("older", 11)], ["kind"], "computed_at")
        with db.engine.connect() as connection:
            rows = connection.execute(select(DashboardFigure.kind, DashboardFigure.data)).all()
    assert [tuple(r) for r in rows] == [("funnel", "newer")]
