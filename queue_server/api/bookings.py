"""Appointments (预约取号), public: the phone page lists slots, books, looks up, changes and
cancels; the kiosk checks a booking in (``services/bookings``, ``services/booking_checkin``)."""

from flask import Blueprint, Response, jsonify, request

from queue_server.api.request_helpers import context, json_body, principal, signed_in
from queue_server.services import booking_checkin, booking_overview, booking_report, bookings

bp = Blueprint("bookings", __name__, url_prefix="/api/v1/halls/<hall>")


@bp.get("/booking/services")
def services(hall):
    return jsonify({"services": bookings.bookable_services(context(), hall)})


@bp.get("/booking/slots")
def slots(hall):
    return jsonify(bookings.slots(context(), hall, request.args.get("service")))


@bp.post("/bookings")
def book(hall):
    response = jsonify(bookings.book(context(), hall, json_body()))
    response.status_code = 201
    return response


@bp.post("/bookings/<code>/lookup")
def lookup(hall, code):
    return jsonify(bookings.lookup(context(), hall, code, json_body()))


@bp.post("/bookings/<code>/cancel")
def cancel(hall, code):
    return jsonify(bookings.cancel(context(), hall, code, json_body()))


@bp.post("/bookings/<code>/change")
def change(hall, code):
    return jsonify(bookings.change(context(), hall, code, json_body()))


@bp.post("/bookings/check-in")
def check_in(hall):
    response = jsonify(booking_checkin.check_in(context(), principal(), hall, json_body()))
    response.status_code = 201
    return response


@bp.get("/bookings")
def day_view(hall):
    """Managers and supervisors: a day's bookings per slot and the no-show rate."""
    return jsonify(booking_report.day_view(context(), signed_in(), hall, request.args.get("day")))


@bp.get("/bookings/overview")
def overview(hall):
    """Managers and supervisors: the dashboard's bookings tab."""
    return jsonify(booking_overview.overview(context(), signed_in(), hall))


def _download(hall, extension: str, mimetype: str) -> Response:
    view = booking_overview.overview(context(), signed_in(), hall)
    body = (booking_overview.to_csv if extension == "csv" else booking_overview.to_xlsx)(view)
    name = booking_overview.filename(view, extension)
    return Response(body, content_type=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/bookings/overview.csv")
def overview_csv(hall):
    return _download(hall, "csv", "text/csv; charset=utf-8")


@bp.get("/bookings/overview.xlsx")
def overview_xlsx(hall):
    return _download(hall, "xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
