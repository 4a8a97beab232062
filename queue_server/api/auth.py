"""``POST /auth/token``: trade a username and password for a bearer token;
``POST /auth/logout``: end that token on the server (and the sockets it opened)."""

from flask import Blueprint, jsonify, request

from queue_server.api import error_response
from queue_server.api.request_helpers import context, json_body, signed_in
from queue_server.services.accounts import login, logout as end_token

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")


@bp.post("/token")
def token():
    body = json_body()
    return jsonify(login(context(), body.get("username"), body.get("password")))


@bp.post("/logout")
def logout():
    who = signed_in()
    if who.kind != "user" or who.via_device_id is not None:
        return error_response("forbidden", "devices are revoked by an administrator", 403)
    token = request.headers["Authorization"].partition(" ")[2].strip()
    end_token(context(), token)
    return "", 204
