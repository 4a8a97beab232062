"""``/case/{hall}``: the citizen's phone page for a case (办件查询, 窗口送达). The citizen types
the 受理编号 and the last four characters of the ID number or phone given at acceptance and
sees the state, the promised day and, once done, the window to collect the result at. The page
talks to the public, rate-limited ``GET …/cases/lookup`` (``services/case_lookup.py``); it
never shows more than the masked name and phone. Chinese first, ``?lang=en`` for English."""

from flask import Blueprint, abort, current_app, render_template, request

from queue_server.domain.errors import DomainError

bp = Blueprint("case_page", __name__)


@bp.get("/case/<hall>")
def case_page(hall):
    try:
        info = current_app.extensions["hallq"].halls.get(hall)
    except DomainError:
        abort(404)
    lang = "en" if request.args.get("lang") == "en" else "zh"
    number = request.args.get("number", "")[:20]
    return render_template("case.html", hall=info, lang=lang, number=number)


def init_app(app) -> None:
    app.register_blueprint(bp)
