"""The hall screen, the window screen and the announcement audio they play.

``/display/{hall}`` (综合屏) and ``/display/{hall}/window/{n}`` (窗口屏) are static pages fed
only by the public ``/display`` Socket.IO namespace (no polling); ``?lang=en`` shows English.
``/display/{hall}/voice/call.wav?number=A001&window=3&recall=0`` is the announcement of one
call, made by :mod:`display.announcers` on first request and cached on disk (size-capped, least
recently used out first); only a number called in that hall today is spoken (404 ``not_called``).

``/queue/{hall}`` is the public phone page of the hall's queue (now calling, waiting and the
estimated wait per service), live from the same namespace; the hall screen shows its QR code
(``/queue/{hall}/qr.svg``), which points at ``HALLQ_PUBLIC_URL`` when set.
"""

import logging
import re

from flask import Blueprint, Flask, Response, current_app, render_template, request, send_file

from display.announcers import Announcers
from display.settings import load_display_settings
from display.voice import AnnouncementError, SpeechUnavailable, call_announcement
from display.voice.clips import ClipSetError
from display.voice_options import voice_options
from queue_server.domain.errors import DomainError, invalid_request
from queue_server.services import floor

log = logging.getLogger(__name__)

bp = Blueprint("display", __name__, template_folder="templates",
               static_folder="static", static_url_path="/display-static")

LANGUAGES = ("zh", "en")
TICKET_NUMBER = re.compile(r"[A-Z]{1,2}[0-9]{1,4}")
WAV_MAX_AGE_S = 3600


def _ctx():
    return current_app.extensions["hallq"]


def _language() -> str:
    lang = request.args.get("lang", "zh")
    return lang if lang in LANGUAGES else "zh"


def _page(template: str, hall_code: str, window: int | None = None):
    hall = _ctx().halls.get(hall_code)
    if window is not None:
        hall.window(window)
    options = voice_options(hall.options)
    for problem in options.problems:
        log.warning("hall %s: %s (default used)", hall.code, problem)
    return render_template(template, hall=hall, window=window, lang=_language(),
                           voice=options.page_config())


@bp.get("/display/<hall_code>")
def hall_screen(hall_code):
    return _page("display/hall.html", hall_code)


@bp.get("/display/<hall_code>/window/<int:number>")
def window_screen(hall_code, number):
    return _page("display/window.html", hall_code, number)


@bp.get("/queue/<hall_code>")
def queue_page(hall_code):
    hall = _ctx().halls.get(hall_code)
    return render_template("display/queue.html", hall=hall, window=None, lang=_language(),
                           voice=None)


def queue_url(hall_code: str, lang: str) -> str:
    """The phone queue page's address for QR codes: HALLQ_PUBLIC_URL, else this request's."""
    base = current_app.extensions["hallq_settings"].public_url.rstrip("/") \
        or request.url_root.rstrip("/")
    return f"{base}/queue/{hall_code}" + ("?lang=en" if lang == "en" else "")


@bp.get("/queue/<hall_code>/qr.svg")
def queue_qr(hall_code):
    """The QR code of the hall's phone queue page, as SVG (drawn here: no outside service)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    hall = _ctx().halls.get(hall_code)
    image = qrcode.make(queue_url(hall.code, _language()), image_factory=SvgPathImage, border=2,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    response = Response(image.to_string(encoding="unicode"), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/display/<hall_code>/voice/call.wav")
def call_audio(hall_code):
    hall = _ctx().halls.get(hall_code)
    number = request.args.get("number", "")
    if not TICKET_NUMBER.fullmatch(number):
        raise invalid_request("number must be a ticket number such as A001")
    window_text = request.args.get("window", "")
    if not window_text.isascii() or not window_text.isdigit():
        raise invalid_request("window must be a window number")
    window = hall.window(int(window_text))
    recall = request.args.get("recall", "0")
    if recall not in ("0", "1"):
        raise invalid_request("recall must be 0 or 1")
    if not floor.called_today(_ctx(), hall, number):
        # Only what was called is spoken: anything else would fill the disk with WAVs.
        raise DomainError("not_called", f"{number} has not been called in this hall today")
    templates = voice_options(hall.options).templates
    try:
        path = _announcers().wav_path(
            templates, call_announcement(number, window.name, templates, recall == "1"))
    except AnnouncementError as error:
        raise invalid_request(str(error))
    except (SpeechUnavailable, ClipSetError) as error:
        log.warning("no server voice for %s: %s", number, error)
        raise DomainError("speech_unavailable", "the server cannot speak; use the browser's "
                          "voice")
    return send_file(path, mimetype="audio/wav", max_age=WAV_MAX_AGE_S, conditional=True)


def _announcers() -> Announcers:
    return current_app.extensions["hallq_display"]


def init_app(app: Flask) -> None:
    """Serve the display pages; ``app.config["HALLQ_DISPLAY"]`` may override the settings."""
    settings = load_display_settings(app.config.get("HALLQ_DISPLAY"))
    app.extensions["hallq_display"] = Announcers(settings)
    app.register_blueprint(bp)
