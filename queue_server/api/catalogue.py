"""What can I do here: a hall's matter catalogue (事项目录), by service. Public, read-only."""

from flask import Blueprint, jsonify

from queue_server.api.request_helpers import context
from queue_server.services import catalogue

bp = Blueprint("catalogue", __name__, url_prefix="/api/v1/halls/<hall>")


@bp.get("/matters")
def matters(hall):
    return jsonify(catalogue.hall_matters(context(), hall))
