"""Electronic supervision over HTTP: the live floor, reports and exports, acknowledgements.

Also the devices' heartbeat: every authenticated device request marks the device as seen
(at most one write a minute per device, see ``supervisor.device_seen``).
"""

from flask import Blueprint, Response, jsonify, request

from queue_server.api.request_helpers import command, context, json_body, signed_in
from queue_server.domain.commands import AcknowledgeAlert
from queue_server.services import dashboard_floor, exports, planner, reports, supervisor
from queue_server.services.accounts import cached_principal

bp = Blueprint("supervision", __name__, url_prefix="/api/v1")


@bp.post("/alerts/<int:alert_id>/acknowledge")
def acknowledge(alert_id):
    who = signed_in()
    seen = command(AcknowledgeAlert, json_body(), lambda: supervisor.require_alert_manager(
        context(), who, alert_id))
    return jsonify(supervisor.acknowledge(context(), who, alert_id, seen))


@bp.get("/supervision/halls")
def supervised_halls():
    return jsonify(dashboard_floor.supervised_halls(context(), signed_in()))


@bp.get("/halls/<hall>/floor")
def floor(hall):
    return jsonify(dashboard_floor.floor(context(), signed_in(), hall))


def _report(hall):
    args = request.args
    return reports.report(context(), signed_in(), hall, args.get("from"), args.get("to"),
                          args.get("by", "service"))


@bp.get("/halls/<hall>/reports")
def report(hall):
    return jsonify(_report(hall))


@bp.post("/halls/<hall>/planner")
def staffing_plan(hall):
    """The staffing planner: a weekday from the hall's history, "what if" window changes."""
    return jsonify(planner.plan(context(), signed_in(), hall, json_body(optional=True)))


def _download(body: bytes, mimetype: str, name: str) -> Response:
    return Response(body, content_type=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/halls/<hall>/reports.csv")
def report_csv(hall):
    data = _report(hall)
    return _download(exports.to_csv(data), "text/csv; charset=utf-8",
                     exports.filename(data, "csv"))


@bp.get("/halls/<hall>/reports.xlsx")
def report_xlsx(hall):
    data = _report(hall)
    return _download(exports.to_xlsx(data), "application/vnd.openxmlformats-officedocument."
                     "spreadsheetml.sheet", exports.filename(data, "xlsx"))


@bp.after_app_request
def device_heartbeat(response):
    """A device that answered an authenticated request is alive (the auth cache knows who)."""
    header = request.headers.get("Authorization", "")
    if response.status_code < 400 and header[:7].lower() == "bearer ":
        ctx = context()
        principal = cached_principal(ctx, header[7:].strip())
        if principal is not None and principal.kind == "device":
            supervisor.device_seen(ctx, device_id=principal.id)
    return response
