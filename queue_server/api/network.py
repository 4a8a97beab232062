"""The city's network as the caller may see it: the halls of a manager's subtree."""

from flask import Blueprint, jsonify

from queue_server.api.request_helpers import context, signed_in
from queue_server.services import network

bp = Blueprint("network", __name__, url_prefix="/api/v1")


@bp.get("/network")
def halls():
    return jsonify(network.scoped_halls(context(), signed_in()))
