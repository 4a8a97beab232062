"""``GET /api/v1/audit?from&to[&format=csv]``: the audit log, for administrators; and the hook
that records every view or export of personal data through the API."""

from flask import Blueprint, Response, g, jsonify, request

from queue_server.api.request_helpers import context, signed_in
from queue_server.services import audit

bp = Blueprint("audit", __name__, url_prefix="/api/v1")

# Endpoints whose successful answer is a view or export of personal data, or a manager's or
# admin's action: each is recorded with who, when and from where.
AUDITED = {
    "counter.list_followups": "view.followups",
    "counter.get_followup": "view.followup",
    "counter.followup_callback": "followup.callback",
    "counter.close_followup": "followup.close",
    "counter.followup_ledger": "export.followup_ledger",
    "counter.export_evaluations": "export.evaluations",
    "supervision.report": "view.reports",
    "supervision.report_csv": "export.reports",
    "supervision.report_xlsx": "export.reports",
    "supervision.acknowledge": "alert.acknowledge",
    "supervision.staffing_plan": "view.staffing_plan",
    "audit.read_audit": "view.audit",
    # Cases (办件) carry the citizen's masked name and phone and the staff's notes; the
    # report can name staff.
    "cases.list_cases": "view.cases",
    "cases.get_case": "view.case",
    "cases.report": "view.case_reports",
}


@bp.get("/audit")
def read_audit():
    who = signed_in()
    audit.require_admin(who)
    rows = audit.entries(context(), request.args.get("from"), request.args.get("to"))
    if request.args.get("format") == "csv":
        return Response(audit.to_csv(rows), mimetype="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
    return jsonify(rows)


def _record(response):
    action = AUDITED.get(request.endpoint or "")
    if action is None or response.status_code >= 400:
        return response
    query = request.query_string.decode("utf-8", "replace")
    target = request.path + ("?" + query if query else "")
    hall = (request.view_args or {}).get("hall")
    hall_id = None
    if isinstance(hall, str):
        try:
            hall_id = context().halls.get(hall).id
        except Exception:  # an unknown hall answered 404 already; keep the code
            hall_id = None
    audit.record(context(), audit.actor_of(g.get("hallq_principal")), action, target, hall_id,
                 request.remote_addr or "")
    return response


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.after_request(_record)
