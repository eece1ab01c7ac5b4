"""Learning: the course home, modules and lessons (with their printable
text and download), the learner's progress (`progress`: lessons opened and
completed, module and course completion) and `/`, `/healthz`, the media
files. Learn knows no other area: its pages offer named slots that areas
fill with their templates (web.fill_slot). "lesson.head", "lesson.after",
"module.quiz" and "module.after" are part of the shared page, rendered once
per page, language and role: their templates mark what is personal with
pagecache.personal().
Every other filler is a personal part as a whole, rendered per request:

- "lesson.head": stylesheets and scripts of the lesson page;
- "lesson.block.<type>": the template that shows a block of that type (e.g.
  reflection, quiz); learn/blocks/<type>.html otherwise;
- "lesson.after": below the lesson and its progress (e.g. the notes box);
- "module.quiz": inside the module page's quiz section;
- "module.after": after it (e.g. the feedback link).
"""
from flask import Flask


def init_app(app: Flask) -> None:
    from .views import bp, root_bp

    app.register_blueprint(root_bp)
    app.register_blueprint(bp)
