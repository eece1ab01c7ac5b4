"""Work done once the answer has been sent.

The pages that must not tell whether an address has an account (forgot
password, registration) send their email only after the page has gone out:
talking to the mail server takes time, and a page that answered later for
some addresses than for others would tell them apart. The WSGI server (the
development server, gunicorn) runs `call_on_close` callbacks once the whole
answer is written; the work runs in a fresh application context.
"""
import logging

from flask import after_this_request, current_app

from ..extensions import db

log = logging.getLogger(__name__)


def after_response(func, *args) -> None:
    """Call func(*args) once this request's answer has been sent."""
    app = current_app._get_current_object()

    @after_this_request
    def _schedule(response):
        def run():
            with app.app_context():
                try:
                    func(*args)
                except Exception:  # noqa: BLE001 - the answer is gone: log it, do not raise into the server
                    log.exception("auth: work after the answer failed: %s", getattr(func, "__name__", func))
                finally:
                    db.session.remove()

        response.call_on_close(run)
        return response
