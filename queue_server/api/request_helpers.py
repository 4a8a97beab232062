"""Parsing what a request carries: the bearer principal and a JSON object body."""

from flask import current_app, request

from queue_server.domain.errors import invalid_request
from queue_server.services.accounts import Principal, authenticate, unauthenticated


def context():
    return current_app.extensions["hallq"]


def principal() -> Principal | None:
    """The caller behind ``Authorization: Bearer …``; a wrong or expired token is a 401."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthenticated()
    found = authenticate(context(), token.strip())
    if found is None:
        raise unauthenticated()
    return found


def json_body(optional: bool = False) -> dict:
    """The request's JSON object; an empty body counts as ``{}`` where ``optional``."""
    if optional and not request.get_data(cache=True):
        return {}
    if not request.is_json:
        raise invalid_request("send a JSON object with Content-Type: application/json")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise invalid_request("the body must be a JSON object")
    return data


def signed_in() -> Principal:
    """Like ``principal()`` but a missing token is a 401 too."""
    found = principal()
    if found is None:
        raise unauthenticated()
    return found
