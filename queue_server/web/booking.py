"""``/book/{hall}``: the citizen's booking page (预约取号) for a phone: service, day, slot with
the places left, ID number and mobile, then the booking code and its QR code for the kiosk's
check-in. Chinese first, ``?lang=en`` for English; the page talks to the public booking API
(``api/bookings.py``) through ``hallq.js``."""

import re

from flask import Blueprint, Response, abort, current_app, render_template, request

from queue_server.domain.errors import DomainError

bp = Blueprint("booking_page", __name__)
_CODE_RE = re.compile(r"[A-Z0-9]{4,12}")


def _hall(code: str):
    try:
        return current_app.extensions["hallq"].halls.get(code)
    except DomainError:
        abort(404)


@bp.get("/book/<hall>")
def book_page(hall):
    info = _hall(hall)
    lang = "en" if request.args.get("lang") == "en" else "zh"
    return render_template("book.html", hall=info, lang=lang)


@bp.get("/book/<hall>/qr/<code>.svg")
def booking_qr(hall, code):
    """The booking code as a QR code (SVG, drawn here), for the kiosk's scanner."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    _hall(hall)
    if not _CODE_RE.fullmatch(code):
        abort(404)
    image = qrcode.make(code, image_factory=SvgPathImage, border=2,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    response = Response(image.to_string(encoding="unicode"), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


def init_app(app) -> None:
    app.register_blueprint(bp)
