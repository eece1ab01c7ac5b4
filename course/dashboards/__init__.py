"""Dashboards: the learner's "My progress" and the administrators' overview,
as server-rendered SVG charts with a caption and a table each; and the study
days they are drawn from (activity.py)."""
from flask import Flask


def init_app(app: Flask) -> None:
    from flask_sqlalchemy.session import Session

    from . import activity

    activity.listen(Session)
