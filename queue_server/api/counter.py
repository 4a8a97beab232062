"""The counter (window sign-in, the window's state, own figures, staff photos), bad-review
follow-up cases, their ledger (台账) and the GB/T 39046 evaluation export."""

from flask import Blueprint, Response, jsonify, request

from queue_server.api.request_helpers import command, context, json_body, signed_in
from queue_server.domain.commands import CloseCase, RecordCallback, SignIn
from queue_server.domain.errors import invalid_request
from queue_server.services import counter, evaluation_export, followup, followup_phone, profiles
from queue_server.services.accounts import require_hall_manager

bp = Blueprint("counter", __name__, url_prefix="/api/v1/halls/<hall>")


def _format() -> str:
    value = request.args.get("format", "json")
    if value not in ("json", "csv"):
        raise invalid_request("format must be json or csv")
    return value


def _csv(text: str, filename: str) -> Response:
    return Response(text, content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/windows/<int:number>/sign-in")
def sign_in(hall, number):
    who = signed_in()
    take_over = SignIn.from_body(json_body(optional=True)).take_over
    return jsonify(counter.sign_in(context(), who, hall, number, take_over))


@bp.post("/windows/<int:number>/sign-out")
def sign_out(hall, number):
    who = signed_in()
    json_body(optional=True)
    return jsonify(counter.sign_out(context(), who, hall, number))


@bp.get("/windows/<int:number>/counter")
def window_counter(hall, number):
    return jsonify(counter.counter_state(context(), signed_in(), hall, number))


@bp.get("/me")
def me(hall):
    return jsonify(counter.me(context(), signed_in(), hall))


@bp.get("/staff-photos/<key>")
def staff_photo(hall, key):
    """A staff member's photo for the evaluator's idle screen; the random key is the access
    (see ``services.profiles``), and a new photo gets a new key, so it is cached for good."""
    data, content_type = profiles.photo(context(), hall, key)
    response = Response(data, mimetype=content_type)
    response.set_etag(key)
    response.cache_control.public = True
    response.cache_control.max_age = profiles.PHOTO_CACHE_S
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request)


@bp.get("/followups")
def list_followups(hall):
    return jsonify(followup.list_cases(context(), signed_in(), hall, request.args.get("status")))


@bp.get("/followups/<int:case_id>")
def get_followup(hall, case_id):
    return jsonify(followup.get_case(context(), signed_in(), hall, case_id))


@bp.get("/followups/<int:case_id>/phone")
def followup_phone_number(hall, case_id):
    """The citizen's whole call-back number, on a manager's explicit request (logged)."""
    response = jsonify(followup_phone.reveal(context(), signed_in(), hall, case_id))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/followups/<int:case_id>/callback")
def followup_callback(hall, case_id):
    who = signed_in()
    callback = command(RecordCallback, json_body(), lambda: _manager(who, hall))
    return jsonify(followup.record_callback(context(), who, hall, case_id, callback))


@bp.post("/followups/<int:case_id>/close")
def close_followup(hall, case_id):
    who = signed_in()
    closing = command(CloseCase, json_body(), lambda: _manager(who, hall))
    return jsonify(followup.close_case(context(), who, hall, case_id, closing))


def _manager(who, hall) -> None:
    require_hall_manager(who, context().halls.get(hall).id)


@bp.get("/followups/ledger")
def followup_ledger(hall):
    fmt = _format()
    rows = followup.ledger(context(), signed_in(), hall, request.args.get("from"),
                           request.args.get("to"))
    if fmt == "csv":
        return _csv(followup.ledger_csv(rows), f"followup-ledger-{hall}.csv")
    return jsonify(rows)


@bp.get("/evaluations/export")
def export_evaluations(hall):
    fmt = _format()
    document = evaluation_export.records(context(), signed_in(), hall, request.args.get("from"),
                                         request.args.get("to"))
    if fmt == "csv":
        return _csv(evaluation_export.to_csv(document), f"evaluations-{hall}.csv")
    return jsonify(document)
