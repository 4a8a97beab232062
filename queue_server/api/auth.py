"""``POST /auth/token``: trade a username and password for a bearer token."""

from flask import Blueprint, jsonify

from queue_server.api.request_helpers import context, json_body
from queue_server.services.accounts import login

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")


@bp.post("/token")
def token():
    body = json_body()
    return jsonify(login(context(), body.get("username"), body.get("password")))
