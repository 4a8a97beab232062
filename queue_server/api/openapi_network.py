"""The OpenAPI description of the city's network view (issue 10, item 4):
``GET /network/summary``, ``GET /network/ranking`` and its Excel export."""

from queue_server.api import openapi as base
from queue_server.domain.network import LEVELS
from queue_server.domain.network_status import STATUSES
from queue_server.services.network_ranking import BY, COLUMNS

_ROOT = {"name": "hall", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "only this hall's subtree (403 when it is outside the caller's)"}
_COUNT = {"type": "integer", "minimum": 0}
_SECONDS = {"type": ["number", "null"], "description": "seconds"}
_RATE = {"type": ["number", "null"], "description": "a share, 0–1 (null: no ratings)"}
_FIGURES = {
    "waiting": _COUNT, "longest_wait_s": {"type": "integer"},
    "windows": _COUNT, "windows_staffed": _COUNT, "windows_open": _COUNT,
    "issued": _COUNT, "called": _COUNT, "served": _COUNT, "avg_wait_s": _SECONDS,
    "evaluations": _COUNT, "bad_reviews": _COUNT, "satisfaction_rate": _RATE,
    "alerts_red": _COUNT, "alerts_yellow": _COUNT,
}
_HALL_ROW = {"type": "object", "properties": {
    "code": {"type": "string"}, "name": {"type": "string"},
    "name_en": {"type": "string", "description": "empty: English pages show the name"},
    "level": {"anyOf": [{"enum": list(LEVELS)}, {"type": "null"}]},
    "parent": {"type": ["string", "null"]},
    "status": {"enum": list(STATUSES), "description": "see docs/NETWORK.md, network view"},
    **_FIGURES}}
_SUMMARY = {"type": "object", "properties": {
    "root": {"type": ["string", "null"]}, "now": {"type": ["string", "null"]},
    "total": {"type": "object", "properties": dict(_FIGURES, halls=_COUNT, statuses={
        "type": "object", "properties": {s: _COUNT for s in STATUSES}})},
    "halls": {"type": "array", "items": _HALL_ROW}}}
_RANKING = {"type": "object", "properties": {
    "root": {"type": "string"}, "root_name": {"type": "string"}, "by": {"enum": list(BY)},
    "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
    "rows": {"type": "array", "items": {"type": "object", "properties": {
        "rank": {"type": "integer"}, "key": {"type": "string"}, "label": {"type": "string"},
        "level": {"anyOf": [{"enum": list(LEVELS)}, {"type": "null"}]},
        **{key: _SECONDS if key.endswith("_s") else _RATE if key.endswith("rate") else _COUNT
           for key, _ in COLUMNS}}}}}}


def _ranking_params() -> list:
    return [_ROOT, base._day_param("from"), base._day_param("to"),
            {"name": "by", "in": "query", "schema": {"enum": list(BY), "default": "hall"}}]


def network_paths() -> dict:
    errors = ("400", "401", "403")
    return {
        "/api/v1/network/summary": {"get": {
            "summary": "every hall of the caller's subtree (manager or admin) with live "
                       "waiting, longest wait, windows staffed/open, today's tickets, "
                       "satisfaction, open alerts and a red/yellow/green status; the roll-up",
            "security": [{"bearer": []}], "parameters": [_ROOT],
            "responses": base._responses("200", _SUMMARY, *errors)}},
        "/api/v1/network/ranking": {"get": {
            "summary": "效能排名: the subtree's halls, or its departments across halls, over "
                       "a period, ranked by satisfaction then average wait",
            "security": [{"bearer": []}], "parameters": _ranking_params(),
            "responses": base._responses("200", _RANKING, *errors)}},
        "/api/v1/network/ranking.xlsx": {"get": {
            "summary": "the ranking as an Excel file",
            "security": [{"bearer": []}], "parameters": _ranking_params(),
            "responses": {"200": {"description": "the file", "content": {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}},
                **{k: v for k, v in base._responses("200", {}, *errors).items()
                   if k != "200"}}}},
    }
