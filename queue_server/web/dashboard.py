"""The managers' dashboard pages: ``/dashboard`` (live floor, alerts, reports).

The page signs in itself (``POST /api/v1/auth/token``, token kept in sessionStorage) and reads
everything through the API and the ``/supervision`` and ``/display`` namespaces.
"""

from flask import Blueprint, render_template

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
def dashboard():
    return render_template("dashboard/dashboard.html")


def init_app(app) -> None:
    app.register_blueprint(bp)
