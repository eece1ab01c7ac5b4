"""The learner's own data: download it all (`/<lang>/my/data.json`,
`flask users export`) and delete the account (`POST /<lang>/profile/delete`,
`flask users delete`)."""
from flask import Flask


def init_app(app: Flask) -> None:
    from . import cli, views

    app.register_blueprint(views.bp)
    cli.init_app(app)

    @app.context_processor
    def _delete_form():
        from .forms import DeleteAccountForm

        return {"delete_account_form": DeleteAccountForm}
