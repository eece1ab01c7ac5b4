"""Backups and moving between databases: `flask data dump|load|backup`."""
from flask import Flask


def init_app(app: Flask) -> None:
    from .cli import data_cli

    app.cli.add_command(data_cli)
