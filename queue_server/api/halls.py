"""A hall's services, tickets, statistics and alerts."""

from flask import Blueprint, jsonify, request

from queue_server.api.request_helpers import command, context, json_body, query_flag, signed_in
from queue_server.domain.commands import IssueTicket
from queue_server.services import floor, queues, reports, supervisor, tickets
from queue_server.services.accounts import require_ticket_issuer

bp = Blueprint("halls", __name__, url_prefix="/api/v1/halls/<hall>")


@bp.get("/services")
def list_services(hall):
    ctx = context()
    info = ctx.halls.get(hall)
    with ctx.db.read() as conn:
        return jsonify(queues.services_summary(ctx, conn, info))


@bp.post("/tickets")
def issue(hall):
    who = signed_in()
    issue_command = command(IssueTicket, json_body(), lambda: require_ticket_issuer(
        who, context().halls.get(hall).id))
    view, replayed = tickets.issue_ticket(
        context(), who, hall, issue_command, request.headers.get("Idempotency-Key")
    )
    response = jsonify(view)
    response.status_code = 201
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@bp.get("/snapshot")
def snapshot(hall):
    return jsonify(floor.hall_snapshot(context(), hall))


@bp.get("/stats")
def stats(hall):
    return jsonify(reports.stats(context(), signed_in(), hall,
                                 request.args.get("from"), request.args.get("to")))


@bp.get("/alerts")
def alerts(hall):
    return jsonify(supervisor.list_alerts(context(), signed_in(), hall, query_flag("active")))
