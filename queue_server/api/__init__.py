"""The HTTP API under ``/api/v1``: one blueprint per resource, errors in one JSON shape."""

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from queue_server.domain.errors import DomainError

API_PREFIX = "/api/v1"


def error_response(code: str, message: str, status: int, **details):
    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="hallq"'
    return response


def _http_error(error: HTTPException):
    codes = {400: "invalid_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
             405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type"}
    code = codes.get(error.code, "http_error")
    if request.path.startswith(API_PREFIX) or request.path == "/healthz" or error.code == 413:
        return error_response(code, error.description or code, error.code)
    return error


def _internal_error(error: Exception):
    # The traceback is logged by Flask; the client gets the documented shape, never a stack.
    return error_response("internal_error", "the server failed; the error is logged", 500)


def init_app(app: Flask) -> None:
    from queue_server.api import auth, counter, halls, meta, supervision, tickets, windows

    for module in (auth, halls, meta, tickets, windows, supervision, counter):
        app.register_blueprint(module.bp)
    app.register_error_handler(
        DomainError, lambda e: error_response(e.code, e.message, e.status, **e.details)
    )
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _internal_error)
