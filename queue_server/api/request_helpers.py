"""Parsing what a request carries: the bearer principal, a JSON object body, path ids.

``StrictJSONProvider`` is the app's one JSON loader: a body nested too deep or carrying a lone
surrogate (which no database or log can store) is a 400, not a 500. ``BoundedIntConverter``
replaces the ``int`` URL converter: an id beyond a signed 64-bit integer matches no route (404)
instead of overflowing the database driver.
"""

import json
from typing import Callable, TypeVar

from flask import current_app, g, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from queue_server.domain.errors import DomainError, invalid_request
from queue_server.services.accounts import Principal, authenticate, unauthenticated


C = TypeVar("C")


def command(cls: type[C], body: dict, allowed: Callable[[], object]) -> C:
    """The typed command (``queue_server.domain.commands``) a body asks for. A bad body is a
    400 only for a caller ``allowed()`` lets act: anyone else gets their 401/403/404 first, as
    when the service read the body itself."""
    try:
        return cls.from_body(body)
    except DomainError:
        allowed()
        raise


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
    g.hallq_principal = found  # for the audit log (api/audit.py)
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


def query_flag(name: str) -> bool:
    """A boolean query parameter: ``true``/``1`` or ``false``/``0`` (absent = false)."""
    value = request.args.get(name)
    if value is None:
        return False
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise invalid_request(f"'{name}' must be true or false")


def signed_in() -> Principal:
    """Like ``principal()`` but a missing token is a 401 too."""
    found = principal()
    if found is None:
        raise unauthenticated()
    return found


class StrictJSONProvider(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        try:
            data = json.loads(s, **kwargs)
            # Round-trip through UTF-8: a lone surrogate such as "\\ud800" cannot be encoded.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except RecursionError:
            raise BadRequest("the JSON body is nested too deeply")
        except UnicodeError:
            raise BadRequest("the JSON body holds text that is not valid Unicode")
        return data


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` limited to what a signed 64-bit column holds."""

    def __init__(self, map, fixed_digits=0, min=None, max=2 ** 63 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
