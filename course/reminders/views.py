"""Reminder pages: settings, unsubscribe, the calendar feed, and the
administrators' deliveries page. Thin: the rules are in weekdays.py,
tokens.py, calendar.py and scheduler.py. (Confirming the email address is
auth's.)"""
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request,
                   url_for)
from flask_babel import format_time, gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.accounts import time_zones
from ..auth.decorators import admin_required, login_required
from ..extensions import csrf, db
from ..models import DeliveryStatus, ReminderDelivery, User, utcnow
from ..paging import page_number, paginate
from . import tokens, weekdays
from .forms import WEEKDAYS, ActionForm, ScheduleForm, day_name
from .scheduler import LAST_TICK, last_tick
from .schedule import minute_of, time_of

bp = Blueprint("reminders", __name__, url_prefix="/<lang>/reminders", template_folder="templates",
               static_folder="static", static_url_path="/static")
admin_bp = Blueprint("reminders_admin", __name__, url_prefix="/<lang>/admin/reminders", template_folder="templates")

STATUSES = tuple(DeliveryStatus)
PAGE_SIZE = 50


# -- the settings page ---------------------------------------------------

def _time_label(minute: int) -> str:
    return format_time(time_of(minute), "short", rebase=False)


def _days_state(days: dict[int, weekdays.Day]) -> list[dict]:
    return [
        {"weekday": d.weekday, "name": day_name(d.weekday).capitalize(), "enabled": d.enabled,
         "minute": d.minute, "value": time_of(d.minute).strftime("%H:%M"), "label": _time_label(d.minute)}
        for d in (days[w] for w in WEEKDAYS)
    ]


def _fill(form: ScheduleForm, days: dict[int, weekdays.Day]) -> None:
    for weekday in WEEKDAYS:
        enabled, at = form.day(weekday)
        enabled.data = days[weekday].enabled
        at.data = time_of(days[weekday].minute)
        at.raw_data = None
    form.timezone.data = current_user.timezone


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _saved_message(days, shift) -> str:
    if shift is not None:
        day = days[shift[0]]
        return _("%(day)s: reminder at %(time)s.", day=day_name(day.weekday).capitalize(),
                 time=_time_label(day.minute))
    return _("Your reminders have been saved.")


@bp.route("/", methods=["GET", "POST"])
@login_required
def settings():
    days = weekdays.load_days(current_user.id)
    form = ScheduleForm()
    if request.method == "GET":
        _fill(form, days)
    elif form.validate_on_submit():
        if form.timezone.data not in time_zones():
            form.timezone.errors.append(_("Choose a time zone from the list."))
        else:
            submitted = {w: (bool(form.day(w)[0].data), minute_of(form.day(w)[1].data)) for w in WEEKDAYS}
            shift = weekdays.parse_shift(request.form.get("shift"))
            days = weekdays.apply_changes(days, submitted, shift)
            weekdays.save_days(current_user.id, days)
            User.of(current_user).timezone = form.timezone.data
            db.session.commit()
            message = _saved_message(days, shift)
            if _wants_json():
                return jsonify(message=message, timezone=current_user.timezone, days=_days_state(days))
            flash(message, "success")
            anchor = f"day-{shift[0]}" if shift is not None else None
            return redirect(url_for(".settings", _anchor=anchor))
    if request.method == "POST" and _wants_json():
        return jsonify(errors={name: [str(e) for e in errs] for name, errs in form.errors.items()}), 422
    before = current_user.calendar_token
    token = tokens.calendar_token(current_user)
    if current_user.calendar_token != before:
        db.session.commit()
    feed_url = url_for(".feed", token=token, _external=True)
    status = 422 if form.errors else 200
    return render_template("reminders/settings.html", form=form, days=_days_state(days),
                           feed_url=feed_url, webcal_url="webcal://" + feed_url.split("://", 1)[1]), status


def _page(title, message, status=200, **links):
    return render_template("reminders/message.html", title=title, message=message, **links), status


# -- unsubscribe (no sign-in) ----------------------------------------------

def _user_from_unsubscribe_token(token: str) -> User:
    """The account of a valid, unrevoked unsubscribe link; 404 otherwise."""
    try:
        user_id, nonce = tokens.read_unsubscribe_token(token)
    except tokens.TokenInvalid:
        abort(404)
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None or not tokens.nonce_matches(user, nonce):
        abort(404)
    return user


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authorisation; mail clients POST here (RFC 8058)
def unsubscribe(token: str):
    """GET: a page with a button (mail scanners that follow links unsubscribe nobody);
    POST (that button, or a mail client's one-click unsubscribe): unsubscribe.
    Neither page shows the email address: the link may have been forwarded."""
    user = _user_from_unsubscribe_token(token)
    if request.method == "GET":
        return render_template("reminders/unsubscribe.html", token=token, unsubscribed=user.reminders_unsubscribed_at,
                               form=ActionForm())
    if user.reminders_unsubscribed_at is None:
        user.reminders_unsubscribed_at = utcnow()
        db.session.commit()
    return render_template("reminders/unsubscribed.html", token=token, form=ActionForm())


@bp.post("/unsubscribe/<token>/undo")
def resubscribe_by_link(token: str):
    user = _user_from_unsubscribe_token(token)
    if not ActionForm().validate_on_submit():
        abort(400)
    user.reminders_unsubscribed_at = None
    db.session.commit()
    return _page(_("You will get study reminders again"),
                 _("We will email you at the times on your reminders page."), settings=True)


@bp.post("/resubscribe")
@login_required
def resubscribe():
    if not ActionForm().validate_on_submit():
        abort(400)
    User.of(current_user).reminders_unsubscribed_at = None
    db.session.commit()
    flash(_("You will get study reminders again."), "success")
    return redirect(url_for(".settings"))


@bp.post("/unsubscribe")
@login_required
def unsubscribe_signed_in():
    if not ActionForm().validate_on_submit():
        abort(400)
    User.of(current_user).reminders_unsubscribed_at = utcnow()
    db.session.commit()
    flash(_("You will not get study reminder emails any more."), "success")
    return redirect(url_for(".settings"))


# -- the calendar feed -----------------------------------------------------

@bp.post("/calendar/reset")
@login_required
def reset_calendar():
    if not ActionForm().validate_on_submit():
        abort(400)
    tokens.calendar_token(current_user, new=True)
    db.session.commit()
    flash(_("Your calendar has a new address. Add it to your calendar app again: the old address no longer works."),
          "success")
    return redirect(url_for(".settings", _anchor="calendar"))


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    if len(token) > 64:
        abort(404)
    user = db.session.scalar(select(User).where(User.calendar_token == tokens.token_hash(token)))
    if user is None or not user.active:
        abort(404)
    # Imported on the first feed asked for: icalendar costs every other process's start-up about 60 ms.
    from .calendar import build_feed

    days = weekdays.load_days(user.id)
    base = current_app.config["BASE_URL"]
    body = build_feed(
        user, [(d.weekday, d.enabled, d.minute) for d in days.values()],
        host=urlsplit(base).hostname or "localhost", url=f"{base}/{user.lang}/", now=utcnow(),
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="aula-study-times.ics"'
    response.headers["Cache-Control"] = "private, max-age=900"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# -- administrators: recent deliveries -----------------------------------

def _status_names() -> dict[str, str]:
    return {DeliveryStatus.QUEUED: _("Queued"), DeliveryStatus.SENDING: _("Sending"), DeliveryStatus.SENT: _("Sent"),
            DeliveryStatus.FAILED: _("Failed"), DeliveryStatus.MISSED: _("Not sent")}


@admin_bp.get("/")
@admin_required
def deliveries():
    status = request.args.get("status", "")
    if status not in STATUSES:
        status = ""
    query = (select(ReminderDelivery, User.email).join(User, User.id == ReminderDelivery.user_id)
             .order_by(ReminderDelivery.due_at.desc(), ReminderDelivery.id.desc()))
    if status:
        query = query.where(ReminderDelivery.status == status)
    page = paginate(query, page_number(request.args.get("page")), PAGE_SIZE, scalars=False)
    since = utcnow() - timedelta(days=7)
    counts = dict(db.session.execute(
        select(ReminderDelivery.status, func.count()).where(ReminderDelivery.due_at >= since)
        .group_by(ReminderDelivery.status)
    ).all())
    return render_template(
        "reminders/admin_deliveries.html", page=page, status=status, statuses=STATUSES,
        status_names=_status_names(), counts=counts, last_tick=last_tick(), state_name=LAST_TICK,
    )
