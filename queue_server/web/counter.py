"""The staff counter page ``/counter``, the window evaluator page ``/evaluator/{hall}/{n}`` and
the managers' follow-up page ``/followups``.

Both are static pages that talk to the API and to their Socket.IO namespaces (``/staff``,
``/evaluator``). The counter page signs in itself (``POST /api/v1/auth/token``; the token is kept
in sessionStorage). The evaluator is paired like a kiosk: opened once with ``?token=``, it keeps
the evaluator device token in localStorage. ``?lang=en`` shows English.
"""

from flask import Blueprint, current_app, render_template, request

bp = Blueprint("counter_pages", __name__, static_folder="static/counter",
               static_url_path="/counter-static")

LANGUAGES = ("zh", "en")
DEFAULT_EVALUATION_TIMEOUT_S = 30
THANKS_S = 5


def _language() -> str:
    lang = request.args.get("lang", "zh")
    return lang if lang in LANGUAGES else "zh"


@bp.get("/counter")
def counter_page():
    halls = [{"code": h.code, "name": h.name} for h in current_app.extensions["hallq"].halls.all()]
    return render_template("counter/counter.html", lang=_language(), halls=halls,
                           hall=request.args.get("hall", ""))


@bp.get("/followups")
def followups_page():
    """The managers' bad-review follow-up page (cases, call-back, outcome, ledger, export)."""
    halls = [{"code": h.code, "name": h.name} for h in current_app.extensions["hallq"].halls.all()]
    return render_template("counter/followups.html", lang=_language(), halls=halls,
                           hall=request.args.get("hall", ""))


def _seconds(name: str, default: int, low: int, high: int) -> int:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and low <= int(value) <= high else default


@bp.get("/evaluator/<hall_code>/<int:number>")
def evaluator_page(hall_code, number):
    hall = current_app.extensions["hallq"].halls.get(hall_code)
    window = hall.window(number)
    timeout = hall.options.get("evaluation_timeout_s", DEFAULT_EVALUATION_TIMEOUT_S)
    config = {"hall": hall.code, "hall_name": hall.name, "window": window.number,
              "window_name": window.name, "lang": _language(),
              "timeout_s": _seconds("timeout", timeout, 3, 600),
              "thanks_s": _seconds("thanks", THANKS_S, 1, 60)}
    return render_template("evaluator/evaluator.html", config=config, lang=config["lang"])


def init_app(app) -> None:
    app.register_blueprint(bp)
