"""Learning: the course home, modules and lessons (with their printable
text and download), the learner's progress (`progress`: lessons opened and
completed, module and course completion) and `/`, `/healthz`, the media
files. The lesson page offers named slots (`lesson_slots`) that other
areas fill; learn itself knows no other area."""
from flask import Flask


def init_app(app: Flask) -> None:
    from .views import bp, root_bp

    app.register_blueprint(root_bp)
    app.register_blueprint(bp)
