"""The OpenAPI description of the network and the matter catalogue (issue 10):
``GET /network``, ``GET /halls/{hall}/matters`` and the ``Matter`` schema. ``openapi.document()`` merges these over its own."""

from queue_server.api import openapi as base
from queue_server.domain.catalogue import KINDS
from queue_server.domain.network import LEVELS

MATTER = {
    "type": "object",
    "description": "a matter (事项) of the hall's catalogue",
    "properties": {
        "code": {"type": "string", "example": "ZRZY-001"},
        "name": {"type": "string", "example": "国有建设用地使用权及房屋所有权首次登记"},
        "department": {"type": "string", "example": "市自然资源和规划局"},
        "levels": {"type": "array", "items": {"enum": list(LEVELS)},
                   "description": "the levels that handle it (empty: every level)"},
        "kind": {"enum": list(KINDS), "description": "the default case kind: " + ", ".join(
            f"{k} = {v}" for k, v in KINDS.items())},
        "kind_name": {"enum": list(KINDS.values())},
        "statutory_days": {"type": ["integer", "null"],
                           "description": "法定时限, working days (null: none given)"},
        "promised_days": {"type": ["integer", "null"],
                          "description": "承诺时限, working days (null: none given; 0: on the spot)"},
        "materials": {"type": "array", "items": {"type": "string"},
                      "description": "申请材料: the 一次性告知 list"},
        "requires_id": {"type": "boolean", "description": "a real name (ID card) is required"},
    },
}

_MATTERS_ANSWER = {
    "type": "object",
    "properties": {
        "hall": {"type": "string"},
        "level": {"anyOf": [{"enum": list(LEVELS)}, {"type": "null"}]},
        "services": {"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "string"}, "name": {"type": "string"},
            "name_en": {"type": "string"},
            "matters": {"type": "array", "items": base._ref("Matter")}}}},
        "other_matters": {"type": "array", "items": base._ref("Matter"),
                          "description": "handled at this hall's level but taken by no "
                                         "service (e.g. forwarded by a village clerk)"},
    },
}


_NETWORK_ANSWER = {"type": "array", "items": {"type": "object", "properties": {
    "code": {"type": "string"}, "name": {"type": "string"},
    "level": {"anyOf": [{"enum": list(LEVELS)}, {"type": "null"}]},
    "parent": {"type": ["string", "null"],
               "description": "the hall above, null at the top of what the caller sees"}}}}


def catalogue_paths() -> dict:
    return {"/api/v1/network": {"get": {
        "summary": "the halls the caller supervises, parents before children: a manager's "
                   "hall and every hall below it, every hall for an admin (others 403)",
        "security": [{"bearer": []}],
        "responses": base._responses("200", _NETWORK_ANSWER, "401", "403")}},
            "/api/v1/halls/{hall}/matters": {"get": {
        "summary": "what can I do here (public): the hall's effective matter catalogue (its "
                   "own matters, and its parent's when it inherits, minus the dropped ones, "
                   "handled at its level), by open service",
        "parameters": [base._hall_param()],
        "responses": base._responses("200", _MATTERS_ANSWER, "404")}}}
