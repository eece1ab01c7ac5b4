from flask_wtf import FlaskForm


class ReloadForm(FlaskForm):
    """The "Reload content" button: a form for its CSRF token."""
