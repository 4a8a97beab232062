"""The caller's actions at one window."""

from flask import Blueprint, jsonify, request

from queue_server.api.request_helpers import command, context, json_body, signed_in
from queue_server.domain.commands import (CallNext, CallNumber, HoldTicket, PauseWindow,
                                          TransferTicket, UndoNoShow, UnholdTicket)
from queue_server.domain.errors import DomainError
from queue_server.services import calling, no_show as no_shows, special_calls

bp = Blueprint("windows", __name__, url_prefix="/api/v1/halls/<hall>/windows/<int:number>")


def _caller_and_body(hall, number, optional: bool = True, lenient: bool = False):
    """Who calls, and the JSON object body. A bad body is a 400 only for someone allowed to act
    here: anyone else gets their 401/403/404 first. ``lenient``: a body not sent as JSON counts
    as none (call-next took no body before, and outside programs post it with any)."""
    who = signed_in()
    if lenient and not request.is_json:
        return who, {}
    try:
        return who, json_body(optional=optional)
    except DomainError:
        calling.prepare(context(), who, hall, number)
        raise


def _caller_and_command(hall, number, cls, optional: bool = True, lenient: bool = False):
    """Who calls, and the typed command of the body (``domain/commands.py``); a bad body is a
    400 only for someone allowed to act here, as in ``_caller_and_body``."""
    who, body = _caller_and_body(hall, number, optional=optional, lenient=lenient)
    return who, command(cls, body, lambda: calling.prepare(context(), who, hall, number))


@bp.post("/call-next")
def call_next(hall, number):
    # {finish: id|null}, {confirm}
    who, call = _caller_and_command(hall, number, CallNext, lenient=True)
    return jsonify({"ticket": calling.call_next(context(), who, hall, number, call)})


@bp.post("/recall")
def recall(hall, number):
    return jsonify({"ticket": calling.recall(context(), signed_in(), hall, number)})


@bp.post("/finish")
def finish(hall, number):
    return jsonify({"ticket": calling.finish(context(), signed_in(), hall, number)})


@bp.post("/no-show")
def no_show(hall, number):
    return jsonify(no_shows.no_show(context(), signed_in(), hall, number))


@bp.post("/undo-no-show")
def undo_no_show(hall, number):
    who, undo = _caller_and_command(hall, number, UndoNoShow)
    return jsonify({"ticket": no_shows.undo_no_show(context(), who, hall, number, undo)})


@bp.post("/call-number")
def call_number(hall, number):
    who, call = _caller_and_command(hall, number, CallNumber, optional=False)
    return jsonify({"ticket": special_calls.call_number(context(), who, hall, number, call)})


@bp.post("/hold")
def hold(hall, number):
    who, held = _caller_and_command(hall, number, HoldTicket)
    return jsonify({"ticket": special_calls.hold(context(), who, hall, number, held)})


@bp.post("/unhold")
def unhold(hall, number):
    who, unheld = _caller_and_command(hall, number, UnholdTicket, optional=False)
    return jsonify({"ticket": special_calls.unhold(context(), who, hall, number, unheld)})


@bp.post("/transfer")
def transfer(hall, number):
    who, target = _caller_and_command(hall, number, TransferTicket, optional=False)
    return jsonify({"ticket": calling.transfer(context(), who, hall, number, target)})


@bp.post("/pause")
def pause(hall, number):
    who, pause = _caller_and_command(hall, number, PauseWindow)
    return jsonify(calling.set_paused(context(), who, hall, number, True, pause.reason))


@bp.post("/resume")
def resume(hall, number):
    who, _ = _caller_and_body(hall, number)
    return jsonify(calling.set_paused(context(), who, hall, number, False))
