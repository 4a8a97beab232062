"""The kiosk page ``/kiosk/{hall}``, the citizen's tracking page ``/track/{token}`` and the QR
code that leads from one to the other.

The kiosk page is paired to its kiosk device by opening ``/kiosk/{hall}?token=KIOSK_TOKEN`` once:
the page keeps the token in localStorage and removes it from the address bar. It issues tickets
through the public API with that token and listens on the ``/kiosk`` namespace for print results,
printer faults and card reads.

Both pages are rendered in the language of ``?lang=`` (Chinese by default) and carry both
languages' catalogs for their scripts, whose language button switches without a reload.
"""

import secrets
from pathlib import Path

from sqlalchemy import select

from flask import Blueprint, Response, abort, current_app, render_template, request

from kiosk import i18n, settings
from queue_server.api.request_helpers import signed_in
from queue_server.domain.errors import DomainError
from queue_server.domain.idnumber import make_id_number
from queue_server.services.accounts import forbidden
from queue_server.storage.models import tickets

bp = Blueprint("kiosk", __name__, template_folder="templates", static_folder="static",
               static_url_path="/kiosk-static")
bp.before_request(i18n.use_kiosk_catalogs)

# How long the result screen and the other screens stay before the page returns to its start.
RESULT_IDLE_S = 30
IDLE_S = 60
# The page shows "the printer did not answer" after this long without a print result.
PRINT_TIMEOUT_S = 15


def _hall(code: str):
    try:
        return current_app.extensions["hallq"].halls.get(code)
    except DomainError:
        abort(404)


@bp.get("/kiosk/<hall>")
def kiosk_page(hall):
    info = _hall(hall)
    config = {
        "hall": info.code, "name": info.name, "name_en": info.name_en,
        "timezone": info.timezone,
        "notice": info.options.get("notice") or "",
        "allow_priority": bool(info.options.get("allow_priority", False)),
        "booking": bool(info.options.get("booking")),  # a service takes bookings: 预约签到
        "demo_swipe": settings.swipe_dir() is not None,
        "result_idle_s": RESULT_IDLE_S, "idle_s": IDLE_S, "print_timeout_s": PRINT_TIMEOUT_S,
        "lang": i18n.current_language(),
    }
    return render_template("kiosk/kiosk.html", config=config, catalogs=i18n.script_catalogs())


def _ticket_hall(token: str) -> str | None:
    """The code of the ticket's hall (for the link to the case page), None: no such ticket."""
    if not 10 <= len(token) <= 64:
        return None
    ctx = current_app.extensions["hallq"]
    with ctx.db.read() as conn:
        hall_id = conn.execute(select(tickets.c.hall_id).where(tickets.c.track_token == token)
                               ).scalar()
    return None if hall_id is None else ctx.halls.by_id(hall_id).code


@bp.get("/track/<token>")
def track_page(token):
    language = i18n.current_language()
    hall = _ticket_hall(token)
    if hall is None:
        # A friendly page in both languages (a mistyped or stale link), with a real 404.
        other = next(lang for lang in i18n.LANGUAGES if lang != language)
        return render_template("kiosk/track_missing.html", lang=language,
                               other=i18n.script_catalog(other),
                               other_lang=other), 404
    config = {"token": token, "lang": language, "hall": hall}
    return render_template("kiosk/track.html", config=config, catalogs=i18n.script_catalogs())


def tracking_url(token: str) -> str:
    base = current_app.extensions["hallq_settings"].public_url.rstrip("/") \
        or request.url_root.rstrip("/")
    return f"{base}/track/{token}"


@bp.get("/track/<token>/qr.svg")
def track_qr(token):
    """The QR code of a ticket's tracking page, as SVG (drawn here: no outside service)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    if not 10 <= len(token) <= 64:
        abort(404)
    image = qrcode.make(tracking_url(token), image_factory=SvgPathImage, border=2,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    response = Response(image.to_string(encoding="unicode"), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.post("/kiosk/<hall>/demo-swipe")
def demo_swipe(hall):
    """Demo only: hand the demo agent's fake card reader a made-up (valid) ID number."""
    spool = settings.swipe_dir()
    if spool is None:
        abort(404)
    who = signed_in()
    if not (who.is_device("kiosk") and who.hall_id == _hall(hall).id):
        raise forbidden("only this hall's kiosk may simulate a card")
    number = make_id_number("110105" + "19" + f"{secrets.randbelow(60) + 40:02d}"
                            + f"{secrets.randbelow(12) + 1:02d}{secrets.randbelow(28) + 1:02d}"
                            + f"{secrets.randbelow(1000):03d}")
    path = Path(spool) / f"{secrets.token_hex(8)}.swipe"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(number, encoding="utf-8")
    return {"ok": True}, 202


def init_app(app) -> None:
    i18n.init_app(app)
    app.register_blueprint(bp)
