"""The caller's actions at one window."""

from flask import Blueprint, jsonify

from queue_server.api.request_helpers import context, json_body, signed_in
from queue_server.services import calling

bp = Blueprint("windows", __name__, url_prefix="/api/v1/halls/<hall>/windows/<int:number>")


@bp.post("/call-next")
def call_next(hall, number):
    return jsonify({"ticket": calling.call_next(context(), signed_in(), hall, number)})


@bp.post("/recall")
def recall(hall, number):
    return jsonify({"ticket": calling.recall(context(), signed_in(), hall, number)})


@bp.post("/finish")
def finish(hall, number):
    return jsonify({"ticket": calling.finish(context(), signed_in(), hall, number)})


@bp.post("/no-show")
def no_show(hall, number):
    return jsonify({"ticket": calling.no_show(context(), signed_in(), hall, number)})


@bp.post("/transfer")
def transfer(hall, number):
    who = signed_in()
    body = json_body()
    return jsonify({"ticket": calling.transfer(context(), who, hall, number, body)})


@bp.post("/pause")
def pause(hall, number):
    who = signed_in()
    reason = json_body(optional=True).get("reason")
    return jsonify(calling.set_paused(context(), who, hall, number, True, reason))


@bp.post("/resume")
def resume(hall, number):
    who = signed_in()
    json_body(optional=True)
    return jsonify(calling.set_paused(context(), who, hall, number, False))
