"""Module feedback: the learner's form (administrators read it in the admin area)."""
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import login_required
from ..learn.lookup import course_view, module_or_404
from . import feedback
from .forms import CsrfForm, feedback_error
from .views import bp


@bp.route("/modules/<module_id>/feedback", methods=["GET", "POST"])
@login_required
def module_feedback(module_id: str):
    view = course_view()
    module = module_or_404(module_id)
    previous = feedback.latest(current_user.id, module.id)
    rating = previous.rating if previous else None
    comment = previous.comment if previous else ""
    errors = {}
    if request.method == "POST":
        if not CsrfForm().validate_on_submit():
            abort(400)
        rating = feedback.parse_rating(request.form.get("rating"))
        comment = request.form.get("comment", "")
        problems = feedback.check(rating, comment)
        if not problems:
            feedback.save(current_user.id, module.id, g.lang, rating, comment)
            flash(_("Thank you for your feedback on this module."), "success")
            return redirect(url_for("learn.module", module_id=module.id))
        errors = {name: feedback_error(code, comment) for name, code in problems.items()}
    return render_template("activities/feedback.html", view=view, module=module, rating=rating, comment=comment,
                           errors=errors, previous=previous, ratings=feedback.RATINGS), 422 if errors else 200

