"""The learner's "My progress" and the administrators' dashboard."""
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import format_date, format_datetime, format_percent, get_locale, gettext as _
from flask_login import current_user

from ..admin.insight import quiz_stats
from ..auth.decorators import admin_required, login_required
from ..forms import Form
from ..learn.lookup import course_view
from ..learn.progress import course_status
from . import charts, figures, stored
from .activity import local_day

bp = Blueprint("dashboards", __name__, url_prefix="/<lang>", template_folder="templates",
               static_folder="static", static_url_path="/static/dashboards")


def day_names() -> list[str]:
    from babel.dates import get_day_names

    names = get_day_names("abbreviated", locale=get_locale())
    return [names[i] for i in range(7)]


def month_name(day) -> str:
    return format_date(day, "LLL")


def percent(value) -> str:
    return "–" if value is None else format_percent(value, "#,##0%")


@bp.get("/my/progress")
@login_required
def my_progress():
    view = course_view()
    status = course_status(view, current_user)
    today = local_day(current_user.timezone)
    start = figures.first_monday(today)
    studied = figures.study_days(current_user.id, start)
    modules = [(m, status.modules[m.id]) for m in view.modules]
    groups = []
    for module, s in modules:
        bars = [charts.Bar(_("Lessons done:"), s.lessons_done / s.lessons_total * 100 if s.lessons_total else 0,
                           _("%(done)s of %(total)s", done=s.lessons_done, total=s.lessons_total), 0)]
        best = s.best_score
        bars.append(charts.Bar(_("Quiz, best score:"), best or 0,
                               percent(best / 100) if best is not None else _("not taken yet"),
                               1, marker=module.final_quiz.pass_mark))
        groups.append((module.module.title, bars))
    weeks = []
    for week in range(figures.WEEKS):
        monday = start + timedelta(weeks=week)
        days = [monday + timedelta(days=d) for d in range(7)]
        weeks.append((monday, [d for d in days if d in studied]))
    return render_template(
        "dashboards/my_progress.html", view=view, status=status, modules=modules, percent=percent,
        progress_chart=charts.bar_chart(groups, 100, _("Lessons done and best quiz score per module")),
        calendar=charts.calendar_strip(start, figures.WEEKS, studied, today, day_names(), month_name,
                                       _("Days you studied in the last %(weeks)s weeks", weeks=figures.WEEKS)),
        weeks=weeks, studied_count=len(studied), today=today)


@bp.get("/admin/dashboard")
@admin_required
def admin_dashboard():
    """The stored figures (see stored.py), named from the content in the page's language."""
    view = course_view()
    found = stored.for_page()
    funnel = figures.funnel(view, found.funnel)
    biggest = max((step.started for step in funnel), default=0)
    funnel_chart = charts.bar_chart([(step.module.module.title, [
        charts.Bar(_("Started:"), step.started, str(step.started), 0),
        charts.Bar(_("All lessons done:"), step.lessons_done, str(step.lessons_done), 1),
        charts.Bar(_("Quiz passed:"), step.quiz_passed, str(step.quiz_passed), 2),
    ]) for step in funnel], biggest or 1, _("Completion funnel per module"))
    quiz_charts = []
    for stats in quiz_stats(view, found.quizzes):
        bars = [charts.Bar(_("Question %(number)s:", number=n), (q.share_right or 0) * 100,
                           percent(q.share_right) + (f" ({q.judged})" if q.judged else ""), 0)
                for n, q in enumerate(stats.questions, 1)]
        quiz_charts.append((stats, charts.bar_chart([("", bars)], 100, _(
            "Share right at the first attempt, per question of %(quiz)s", quiz=stats.quiz.title))))
    active = found.active
    active_chart = charts.column_chart([(format_date(monday, "d/M"), count) for monday, count in active],
                                       _("Learners active per week"))
    effect = found.effect
    effect_chart = charts.bar_chart([("", [
        charts.Bar(_("Studied on a day they got a reminder:"), effect.learners_reminder,
                   str(effect.learners_reminder), 0),
        charts.Bar(_("Studied on a day without one:"), effect.learners_other, str(effect.learners_other), 1),
    ])], max(effect.learners_reminder, effect.learners_other, 1), _("Learners who studied, by reminder day"))
    return render_template(
        "dashboards/admin_dashboard.html", view=view, funnel=funnel, funnel_chart=funnel_chart,
        quiz_charts=quiz_charts, active=active, active_chart=active_chart, effect=effect,
        effect_chart=effect_chart, percent=percent, weeks=figures.WEEKS, today=found.day,
        computed_at=found.computed_at, refresh_minutes=stored.refresh_minutes(), form=Form())


@bp.post("/admin/dashboard/refresh")
@admin_required
def refresh_dashboard():
    """Recompute the figures now ("Refresh now"), then show them."""
    if not Form().validate_on_submit():
        abort(400)
    found = stored.refresh()
    flash(_("The figures were computed again at %(when)s (UTC).", when=format_datetime(found.computed_at, "medium")),
          "success")
    return redirect(url_for("dashboards.admin_dashboard"))
