from ..forms import Form


class ReloadForm(Form):
    """The "Reload content" button: a form for its CSRF token."""
