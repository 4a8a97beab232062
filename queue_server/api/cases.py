"""五件 cases (办件) over HTTP: recorded at a window when a ticket is served, then listed and
moved on by clerks, managers and department systems (a ``department`` device token)."""

from flask import Blueprint, Response, jsonify, request

from queue_server.api.request_helpers import context, json_body, signed_in
from queue_server.services import (case_lookup, case_pickup, case_report_export, case_reports,
                                   cases)

bp = Blueprint("cases", __name__, url_prefix="/api/v1/halls/<hall>")


@bp.post("/windows/<int:number>/cases")
def accept(hall, number):
    return jsonify(cases.accept(context(), signed_in(), hall, number,
                                json_body(optional=True))), 201


@bp.get("/cases")
def list_cases(hall):
    return jsonify(cases.list_cases(context(), signed_in(), hall, request.args))


@bp.get("/cases/lookup")
def lookup(hall):
    """Public (窗口送达): rate limited per address in api/limits.py."""
    return jsonify(case_lookup.lookup(context(), hall, request.args))


@bp.post("/cases/pickup")
def pickup(hall):
    """窗口送达 at the kiosk: a 取件 ticket to the window holding the result."""
    return jsonify(case_pickup.pickup(context(), signed_in(), hall, json_body())), 201


@bp.get("/cases/report")
def report(hall):
    return jsonify(case_reports.report(context(), signed_in(), hall, request.args))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, mimetype: str, name: str) -> Response:
    return Response(body, content_type=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/cases/report.csv")
def report_csv(hall):
    data = case_reports.report(context(), signed_in(), hall, request.args)
    return _download(case_report_export.to_csv(data), "text/csv; charset=utf-8",
                     case_report_export.filename(data, "csv"))


@bp.get("/cases/report.xlsx")
def report_xlsx(hall):
    data = case_reports.report(context(), signed_in(), hall, request.args)
    return _download(case_report_export.to_xlsx(data), XLSX,
                     case_report_export.filename(data, "xlsx"))


@bp.get("/cases/<int:case_id>")
def get_case(hall, case_id):
    return jsonify(cases.get_case(context(), signed_in(), hall, case_id))


@bp.post("/cases/<int:case_id>/state")
def transition(hall, case_id):
    return jsonify(cases.transition(context(), signed_in(), hall, case_id,
                                    json_body(optional=True)))
