"""Translated error pages, never a traceback."""
from flask import Flask, Response, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from .extensions import db
from .i18n import LANGUAGES, preferred_language

PLAIN_500 = "Something went wrong on our side. Please try again in a moment.\n"


def _guess_lang() -> None:
    """Error pages speak the language of the URL they were asked for, else
    the visitor's own (so every link on the page can be built)."""
    if not g.get("lang"):
        first = request.path.strip("/").split("/", 1)[0]
        g.lang = first if first in LANGUAGES else preferred_language()


def _page(code: int, title: str, message: str):
    _guess_lang()
    return render_template("errors/error.html", code=code, title=title, message=message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(_e):
        return _page(400, _("Bad request"), _("The request could not be understood. Please go back and try again."))

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return _page(400, _("Form expired"), _("This form has expired or was sent from another page. Please go back, reload the page and send it again."))

    @app.errorhandler(403)
    def forbidden(_e):
        return _page(403, _("Not allowed"), _("You do not have permission to open this page."))

    @app.errorhandler(404)
    def not_found(_e):
        return _page(404, _("Page not found"), _("We could not find that page. It may have moved, or the address may be mistyped."))

    @app.errorhandler(405)
    def method_not_allowed(_e):
        return _page(405, _("Not allowed"), _("That action is not available on this page."))

    @app.errorhandler(413)
    def too_large(_e):
        return _page(413, _("Too large"), _("What you sent is too large. Please shorten it and try again."))

    @app.errorhandler(500)
    def server_error(_e):
        # The failed request may have left the session mid-transaction (a
        # failed flush): roll it back so the page can read the signed-in user.
        db.session.rollback()
        try:
            return _page(500, _("Something went wrong"),
                         _("Sorry, something went wrong on our side. Please try again in a moment."))
        except Exception:  # the page itself cannot be built (e.g. the database is gone)
            app.logger.exception("the error page could not be rendered")
            return Response(PLAIN_500, status=500, mimetype="text/plain")
