"""The HTTP API under ``/api/v1``: one blueprint per resource, errors in one JSON shape."""

import logging

from flask import Flask, current_app, jsonify, request
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from queue_server.api.errors import status_for
from queue_server.domain.errors import DomainError

API_PREFIX = "/api/v1"
log = logging.getLogger(__name__)


def error_response(code: str, message: str, status: int, **details):
    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="hallq"'
    if status == 429 and "retry_after" in details:
        response.headers["Retry-After"] = str(details["retry_after"])
    return response


def _http_error(error: HTTPException):
    codes = {400: "invalid_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
             405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type",
             429: "rate_limited"}
    code = codes.get(error.code, "http_error")
    if request.path.startswith(API_PREFIX) or request.path == "/healthz" or error.code == 413:
        response = error_response(code, error.description or code, error.code)
        # Keep what werkzeug says beside the body, e.g. a 405's ``Allow``.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        if error.code == 429 and "Retry-After" not in response.headers:
            from queue_server.api.limits import retry_after_s

            seconds = retry_after_s(current_app)
            if seconds is not None:
                response.headers["Retry-After"] = str(seconds)
        return response
    return error


_SQLITE_UNAVAILABLE = ("database is locked", "unable to open", "disk I/O error")


def _is_unavailable(error) -> bool:
    """A lost or refused connection, not a bug: SQLite also reports a missing table as an
    OperationalError, and that stays a 500."""
    if error.connection_invalidated or isinstance(error, InterfaceError):
        return True
    if type(error.orig).__module__.startswith("sqlite3"):
        return any(text in str(error.orig) for text in _SQLITE_UNAVAILABLE)
    return True


def _database_unavailable(error):
    """The database went away (PostgreSQL stopped, a connection cut, SQLite locked too long):
    503 with Retry-After. The pool checks connections before use (``pool_pre_ping``), so
    requests succeed again as soon as the database is back, without a restart."""
    if not _is_unavailable(error):
        log.error("database error", exc_info=error)
        return _internal_error(error)
    first_line = (str(error.orig).strip().splitlines() or ["?"])[0]
    log.warning("database unavailable (answered 503): %s", first_line)
    response = error_response("database_unavailable", "the database does not answer; "
                              "try again in a few seconds", 503)
    response.headers["Retry-After"] = "5"
    return response


def _internal_error(error: Exception):
    # The traceback is logged by Flask; the client gets the documented shape, never a stack.
    return error_response("internal_error", "the server failed; the error is logged", 500)


def init_app(app: Flask) -> None:
    from queue_server.api import auth, counter, halls, meta, supervision, tickets, windows

    for module in (auth, halls, meta, tickets, windows, supervision, counter):
        app.register_blueprint(module.bp)
    from queue_server.api import audit, catalogue, network

    app.register_blueprint(catalogue.bp)
    app.register_blueprint(network.bp)
    from queue_server.api import cases, network_view

    app.register_blueprint(network_view.bp)
    app.register_blueprint(cases.bp)
    from queue_server.api import bookings

    app.register_blueprint(bookings.bp)
    audit.init_app(app)
    app.register_error_handler(
        DomainError, lambda e: error_response(e.code, e.message, status_for(e.code), **e.details)
    )
    app.register_error_handler(HTTPException, _http_error)
    for error in (OperationalError, InterfaceError):
        app.register_error_handler(error, _database_unavailable)
    app.register_error_handler(500, _internal_error)
