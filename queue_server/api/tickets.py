"""A ticket seen by its holder (tracking) and rated at the window (evaluation)."""

from flask import Blueprint, jsonify

from queue_server.api.request_helpers import command, context, json_body, signed_in
from queue_server.domain.commands import AmendEvaluation, EvaluateTicket
from queue_server.services import citizen, tickets
from queue_server.services.accounts import forbidden

bp = Blueprint("tickets", __name__, url_prefix="/api/v1")


@bp.get("/track/<token>")
def track(token):
    return jsonify(citizen.track_view(context(), token))


@bp.post("/track/<token>/cancel")
def cancel(token):
    """The citizen cancels their waiting ticket from the phone page (the token is the proof)."""
    json_body(optional=True)
    return jsonify(citizen.cancel(context(), token))


@bp.post("/tickets/<int:ticket_id>/evaluation")
def evaluation(ticket_id):
    who = signed_in()
    rating = command(EvaluateTicket, json_body(), lambda: _evaluator(who))
    response = jsonify(tickets.evaluate(context(), who, ticket_id, rating))
    response.status_code = 201
    return response


def _evaluator(who, refusal: str = "only the evaluator of the window that served this ticket "
               "may rate it") -> None:
    """The caller first, the body after: only an evaluator hears that its body is wrong."""
    if not who.is_device("evaluator"):
        raise forbidden(refusal)


@bp.patch("/tickets/<int:ticket_id>/evaluation")
def amend_evaluation(ticket_id):
    """Reasons, comment and call-back phone, added after the grade recorded on the tap."""
    who = signed_in()
    amendment = command(AmendEvaluation, json_body(), lambda: _evaluator(
        who, "only the evaluator that took the rating may add to it"))
    return jsonify(citizen.amend_evaluation(context(), who, ticket_id, amendment))
