"""A ticket seen by its holder (tracking) and rated at the window (evaluation)."""

from flask import Blueprint, jsonify

from queue_server.api.request_helpers import context, json_body, signed_in
from queue_server.services import tickets

bp = Blueprint("tickets", __name__, url_prefix="/api/v1")


@bp.get("/track/<token>")
def track(token):
    return jsonify(tickets.track(context(), token))


@bp.post("/tickets/<int:ticket_id>/evaluation")
def evaluation(ticket_id):
    who = signed_in()
    body = json_body()
    response = jsonify(tickets.evaluate(context(), who, ticket_id, body))
    response.status_code = 201
    return response
