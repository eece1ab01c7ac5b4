"""The administrators' page of the xAPI queue: how many statements wait, were
sent or failed, the oldest waiting one, the LRS's reasons; retry failed
statements, send now."""
import json
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from sqlalchemy import func, select, update

from ..auth.decorators import restrict_blueprint
from ..extensions import db
from ..forms import Form
from ..models import XAPI_STATUSES, Role, User, XapiStatement, XapiStatus
from ..paging import page_number, paginate
from .sender import push

bp = Blueprint("xapi", __name__, url_prefix="/<lang>/admin/xapi", template_folder="templates")

PAGE_SIZE = 50


restrict_blueprint(bp, Role.ADMIN)


def status_names() -> dict[str, str]:
    return {XapiStatus.WAITING: _("Waiting"), XapiStatus.SENDING: _("Sending"), XapiStatus.SENT: _("Sent"),
            XapiStatus.FAILED: _("Failed")}


def queue_summary() -> dict:
    """Counts per status, and when the oldest waiting statement was recorded."""
    counts = dict(db.session.execute(
        select(XapiStatement.status, func.count()).group_by(XapiStatement.status)).all())
    oldest = db.session.execute(
        select(XapiStatement.created_at, XapiStatement.last_error, XapiStatement.next_attempt_at)
        .where(XapiStatement.status == XapiStatus.WAITING).order_by(XapiStatement.id).limit(1)).first()
    return {"counts": {s: counts.get(s, 0) for s in XAPI_STATUSES}, "oldest": oldest}


def _object_name(payload: str) -> str:
    """The statement's object, named in the page's language (else English)."""
    from flask_babel import get_locale

    try:
        names = json.loads(payload)["object"]["definition"]["name"]
    except (ValueError, KeyError, TypeError):
        return ""
    return names.get(str(get_locale())) or names.get("en", "")


@bp.get("/")
def queue():
    status = request.args.get("status", "")
    if status not in XAPI_STATUSES:
        status = ""
    stmt = (select(XapiStatement, User.email).join(User, User.id == XapiStatement.user_id)
            .order_by(XapiStatement.id.desc()))
    if status:
        stmt = stmt.where(XapiStatement.status == status)
    page = paginate(stmt, page_number(request.args.get("page")), PAGE_SIZE, scalars=False)
    url = current_app.config.get("XAPI_LRS_URL", "")
    return render_template("xapi/queue.html", page=page, status=status, statuses=XAPI_STATUSES,
                           status_names=status_names(), lrs_host=urlsplit(url).netloc if url else "",
                           object_name=_object_name, form=Form(), **queue_summary())


@bp.post("/retry")
def retry():
    """Failed statements wait again (all of them, or the one named), to be sent at once."""
    if not Form().validate_on_submit():
        abort(400)
    stmt = update(XapiStatement).where(XapiStatement.status == XapiStatus.FAILED)
    one = request.form.get("id", type=int)
    if one is not None:
        stmt = stmt.where(XapiStatement.id == one)
    count = db.session.execute(stmt.values(status=XapiStatus.WAITING, next_attempt_at=None)
                               .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if one is None:
        message = ngettext("%(num)d failed statement will be sent again.",
                           "%(num)d failed statements will be sent again.", count)
    else:
        message = _("The statement will be sent again.") if count else _("That statement has not failed.")
    flash(message, "success" if count else "info")
    return redirect(url_for("xapi.queue", status=request.form.get("status") or None))


@bp.post("/send")
def send_now():
    """Send what is due now, instead of waiting for the scheduler."""
    if not Form().validate_on_submit():
        abort(400)
    if not current_app.config.get("XAPI_LRS_URL"):
        flash(_("No Learning Record Store is set up (XAPI_LRS_URL)."), "error")
        return redirect(url_for("xapi.queue"))
    report = push()
    flash(_("%(sent)s sent, %(failed)s failed, %(retrying)s waiting to be retried.",
            sent=report.sent, failed=report.failed, retrying=report.retrying),
          "success" if not (report.failed or report.retrying) else "error")
    for reason in dict.fromkeys(report.errors):
        flash(_("The LRS answered: %(reason)s", reason=reason), "error")
    return redirect(url_for("xapi.queue"))
