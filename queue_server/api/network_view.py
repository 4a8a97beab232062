"""The city's network view (电子监察): live figures of every hall of the caller's subtree, and
the 效能排名 ranking with its Excel export. ``hall`` narrows either to one hall's subtree."""

from flask import Blueprint, Response, jsonify, request

from queue_server.api.request_helpers import context, signed_in
from queue_server.services import network_ranking, network_ranking_export, network_summary

bp = Blueprint("network_view", __name__, url_prefix="/api/v1")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/network/summary")
def summary():
    return jsonify(network_summary.summary(context(), signed_in(), request.args.get("hall")))


def _ranking():
    args = request.args
    return network_ranking.ranking(context(), signed_in(), args.get("by", "hall"),
                                   args.get("from"), args.get("to"), args.get("hall"))


@bp.get("/network/ranking")
def ranking():
    return jsonify(_ranking())


@bp.get("/network/ranking.xlsx")
def ranking_xlsx():
    data = _ranking()
    return Response(network_ranking_export.to_xlsx(data), content_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{network_ranking_export.filename(data)}"'})
