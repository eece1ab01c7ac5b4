"""The dashboards' figures, each from one SQL aggregate (portable SQL).

Learners only: staff accounts' own progress (previews) is left out.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, select

from ..content import CourseView
from ..extensions import db
from ..models import DeliveryStatus, LessonProgress, QuizAttempt, ReminderDelivery, Role, StudyDay, User

#: Weeks shown by the charts of activity (the current one included).
WEEKS = 12


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def first_monday(today: date, weeks: int = WEEKS) -> date:
    return monday_of(today) - timedelta(weeks=weeks - 1)


def _staff():
    return select(User.id).where(User.role != Role.LEARNER)


# -- the learner -------------------------------------------------------------

def study_days(user_id: int, since: date) -> set[date]:
    return set(db.session.scalars(select(StudyDay.day).where(StudyDay.user_id == user_id, StudyDay.day >= since)))


# -- the administrators' dashboard ----------------------------------------------

@dataclass(frozen=True)
class FunnelStep:
    module: object      # ModuleView
    lessons_total: int
    started: int        # learners with a lesson opened
    lessons_done: int   # learners with every lesson done
    quiz_passed: int    # learners who passed the module's final quiz


def funnel_counts(view: CourseView) -> dict[str, list[int]]:
    """Per module id: [learners who started it, did all its lessons, passed its quiz]."""
    totals = {m.id: len(m.published_lessons()) for m in view.modules}
    lp = LessonProgress
    per_learner = (select(lp.module_id, lp.user_id, func.count(lp.completed_at).label("done"))
                   .where(lp.module_id.in_(list(totals)), lp.user_id.not_in(_staff()))
                   .group_by(lp.module_id, lp.user_id).subquery())
    needed = case(*[(per_learner.c.module_id == mid, literal(total)) for mid, total in totals.items()],
                  else_=literal(0))
    lessons = {mid: (started, done or 0) for mid, started, done in db.session.execute(
        select(per_learner.c.module_id, func.count(),
               func.sum(case((per_learner.c.done >= needed, 1), else_=0)))
        .group_by(per_learner.c.module_id)).all()}
    finals = {m.final_quiz.id: m.id for m in view.modules}
    qa = QuizAttempt
    passed = {finals[quiz_id]: count for quiz_id, count in db.session.execute(
        select(qa.quiz_id, func.count(func.distinct(qa.user_id)))
        .where(qa.quiz_id.in_(list(finals)), qa.passed.is_(True), qa.user_id.not_in(_staff()))
        .group_by(qa.quiz_id)).all()}
    return {m.id: [*lessons.get(m.id, (0, 0)), passed.get(m.id, 0)] for m in view.modules}


def funnel(view: CourseView, counts: dict[str, list[int]] | None = None) -> list[FunnelStep]:
    """Per module of `view`: learners who started it, did all its lessons,
    passed its quiz (from `counts`, as funnel_counts gives them; default:
    counted now). A module the counts do not know (added since) has zeros."""
    counts = funnel_counts(view) if counts is None else counts
    return [FunnelStep(m, len(m.published_lessons()), *counts.get(m.id, (0, 0, 0))) for m in view.modules]


def active_per_week(today: date, weeks: int = WEEKS) -> list[tuple[date, int]]:
    """(Monday, learners with a study day that week), oldest week first."""
    start = first_monday(today, weeks)
    mondays = [start + timedelta(weeks=i) for i in range(weeks)]
    week = case(*[(StudyDay.day >= monday, i) for i, monday in reversed(list(enumerate(mondays)))], else_=-1)
    counts = dict(db.session.execute(
        select(week.label("week"), func.count(func.distinct(StudyDay.user_id)))
        .where(StudyDay.day >= start, StudyDay.day <= today, StudyDay.user_id.not_in(_staff()))
        .group_by(week)).all())
    return [(monday, counts.get(i, 0)) for i, monday in enumerate(mondays)]


@dataclass(frozen=True)
class ReminderEffect:
    since: date
    study_days_reminder: int     # days studied on which the learner got a reminder
    study_days_other: int        # days studied without a reminder that day
    learners_reminder: int       # learners who studied on a day they got a reminder
    learners_other: int          # learners who studied on a day without one

    @property
    def share(self) -> float | None:
        """Of all days studied, the share that had a reminder."""
        total = self.study_days_reminder + self.study_days_other
        return self.study_days_reminder / total if total else None


def reminder_effect(today: date, weeks: int = WEEKS) -> ReminderEffect:
    """Study on days with a reminder sent against days without one, over the weeks shown."""
    since = first_monday(today, weeks)
    rd = ReminderDelivery
    sent = and_(rd.user_id == StudyDay.user_id, rd.local_date == StudyDay.day, rd.status == DeliveryStatus.SENT)
    with_reminder = rd.id.is_not(None)
    studied, other, learners_r, learners_o = db.session.execute(
        select(func.sum(case((with_reminder, 1), else_=0)), func.sum(case((with_reminder, 0), else_=1)),
               func.count(func.distinct(case((with_reminder, StudyDay.user_id)))),
               func.count(func.distinct(case((rd.id.is_(None), StudyDay.user_id)))))
        .select_from(StudyDay).outerjoin(rd, sent)
        .where(StudyDay.day >= since, StudyDay.day <= today, StudyDay.user_id.not_in(_staff()))).one()
    return ReminderEffect(since, studied or 0, other or 0, learners_r or 0, learners_o or 0)
