"""Who may open a view: the one set of access checks every area uses.

- `login_required`: visitors are sent to sign in (a JSON request, such as an
  autosave, gets a JSON 401 instead of a redirect);
- `roles_required(*roles)`: signed in with one of `roles`, else 403;
- `staff_required` (instructors and administrators), `admin_required`;
- `restrict_blueprint(bp, *roles)`: every view of a blueprint needs one of
  `roles`, unless the view carries one of the decorators above, which then
  decides alone (e.g. the admin area, where quiz insight is for staff).

A view protected here never runs for the wrong user: the check happens
before the view function, and visitors always get the sign-in page (or 401),
never a 403 that would tell them nothing.
"""
from functools import wraps

from flask import Blueprint, abort, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import login_manager
from ..models import STAFF_ROLES, Role

#: The attribute a decorated view carries: the roles it needs (None: any signed-in user).
_ROLES = "aula_required_roles"


def _refusal(roles: tuple[str, ...] | None):
    """None when the current user may go on; else the response that stops them."""
    if not current_user.is_authenticated:
        if request.is_json:
            message = _("Not saved: you are no longer signed in. Sign in again, then save.")
            return jsonify(ok=False, message=message), 401
        return login_manager.unauthorized()
    if roles is not None and current_user.role not in roles:
        abort(403)
    return None


def roles_required(*roles: str):
    """Only signed-in users with one of `roles` (none given: any signed-in user)."""
    needed = tuple(roles) or None

    def decorate(view_function):
        @wraps(view_function)
        def wrapper(*args, **kwargs):
            refused = _refusal(needed)
            if refused is not None:
                return refused
            return view_function(*args, **kwargs)

        setattr(wrapper, _ROLES, needed)
        return wrapper

    return decorate


login_required = roles_required()
staff_required = roles_required(*STAFF_ROLES)
admin_required = roles_required(Role.ADMIN)


def restrict_blueprint(bp: Blueprint, *roles: str) -> None:
    """Every view of `bp` needs one of `roles`, unless it is decorated here.

    Its static files stay public. A view added later is protected by default,
    so forgetting a decorator never opens a page to everyone.
    """
    needed = tuple(roles) or None

    @bp.before_request
    def _check_roles():
        endpoint = request.endpoint or ""
        if endpoint == f"{bp.name}.static":
            return None
        view = current_app.view_functions.get(endpoint)
        if view is not None and hasattr(view, _ROLES):
            return None  # the view's own decorator decides
        return _refusal(needed)
