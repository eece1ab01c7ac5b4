"""The course-content page for instructors and administrators.

- GET  /<lang>/authoring/         drafts, translations, the "Reload content" button
- POST /<lang>/authoring/reload   load the content folder again, in every worker
- GET  /<lang>/authoring/check    the full check (`course validate`) of the folder
"""
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import content_runtime
from ..auth.decorators import restrict_blueprint
from ..content import get_content
from ..content.validate import validate_folder
from ..models import STAFF_ROLES
from . import overview
from .forms import ReloadForm

bp = Blueprint("authoring", __name__, url_prefix="/<lang>/authoring", template_folder="templates")

restrict_blueprint(bp, *STAFF_ROLES)


def _root() -> Path:
    return Path(current_app.config["CONTENT_DIR"])


def _index(form: ReloadForm, problems=None, status: int = 200):
    content = get_content()
    page = render_template(
        "authoring/index.html",
        form=form,
        drafts=overview.drafts(content, g.lang),
        languages=overview.languages(content),
        view=content.course(g.lang),
        state=content_runtime.state(),
        root=_root(),
        problems=overview.by_file(problems, _root()) if problems else None,
        problem_count=len(problems or ()),
    )
    return page, status


@bp.get("/")
def index():
    return _index(ReloadForm())


@bp.post("/reload")
def reload():
    form = ReloadForm()
    if not form.validate_on_submit():
        abort(400)  # no valid CSRF token
    problems = content_runtime.reload_everywhere()
    if problems:
        current_app.logger.warning("content reload by %s refused: %d problem(s)", current_user.email, len(problems))
        return _index(form, problems, 422)
    view = get_content().course(g.lang)
    lessons = sum(len(module.lessons) for module in view.modules)
    current_app.logger.info("content reloaded by %s", current_user.email)
    flash(ngettext("The content has been reloaded: %(num)s lesson.",
                   "The content has been reloaded: %(num)s lessons.", lessons), "success")
    return redirect(url_for("authoring.index"))


@bp.get("/check")
def check():
    problems = validate_folder(_root())
    counts = {
        "errors": sum(1 for p in problems if p.level == "error"),
        "parity": sum(1 for p in problems if p.level == "parity"),
        "warnings": sum(1 for p in problems if p.level == "warning"),
    }
    return render_template("authoring/check.html", groups=overview.by_file(problems, _root()),
                           counts=counts, root=_root(), title=_("Check the course"))
