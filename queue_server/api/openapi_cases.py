"""The OpenAPI description of 五件 cases (issue 11). ``openapi.document()`` merges these paths
over its own."""

from queue_server.api import openapi as base
from queue_server.domain.cases import OUTCOMES, STATES, TRANSITIONS
from queue_server.domain.catalogue import KINDS

LOOKUP = {
    "type": "object", "description": "what the citizen's phone page shows (masked only)",
    "properties": {
        "number": {"type": "string"}, "matter_name": {"type": "string"},
        "state": {"enum": list(STATES)}, "state_name": {"enum": list(STATES.values())},
        "promised_on": {"type": ["string", "null"], "format": "date"},
        "done": {"type": "boolean"},
        "name": {"type": ["string", "null"], "example": "张*"},
        "phone": {"type": ["string", "null"], "example": "138****1234"},
        "collect_at": {"type": ["string", "null"], "description": "the window holding the "
                       "result, once done"},
        "collect_window": {"type": ["integer", "null"]}}}

CASE = {
    "type": "object", "description": "a case (办件); the citizen appears masked only",
    "properties": {
        "id": {"type": "integer"}, "number": {"type": "string", "example": "2026-000123",
                                              "description": "受理编号, unique per hall and year"},
        "ticket_id": {"type": ["integer", "null"]}, "matter": {"type": "string"},
        "matter_name": {"type": "string"}, "department": {"type": "string"},
        "kind": {"enum": list(KINDS)}, "kind_name": {"enum": list(KINDS.values())},
        "state": {"enum": list(STATES)}, "state_name": {"enum": list(STATES.values())},
        "name": {"type": ["string", "null"], "example": "张*"},
        "phone": {"type": ["string", "null"], "example": "138****1234"},
        "accepted_at": {"type": "string", "format": "date-time"},
        "accepted_on": {"type": "string", "format": "date"},
        "promised_on": {"type": ["string", "null"], "format": "date"},
        "statutory_on": {"type": ["string", "null"], "format": "date"},
        "finished_at": {"type": ["string", "null"], "format": "date-time"},
        "lead_department": {"type": ["string", "null"]},
        "co_departments": {"type": "array", "items": {"type": "string"}},
        "note": {"type": ["string", "null"], "description": "不予受理 reason, 补正 materials"},
        "real_name": {"type": "boolean"},
        "deadline_level": {"enum": ["yellow", "red", None],
                           "description": "open cases: 黄牌 from 80 % of the promised time, "
                           "红牌 after the promised day"},
        "history": {"type": "array", "items": {"type": "object"}},
    },
}

ACCEPT = {"type": "object", "required": ["matter"], "properties": {
    "ticket": {"type": "integer", "description": "the ticket served (it may open several "
               "cases); its real name carries over"},
    "matter": {"type": "string", "description": "a matter code of the hall's catalogue"},
    "kind": {"enum": list(KINDS), "description": "default: the matter's kind"},
    "outcome": {"enum": list(OUTCOMES), "default": "accept",
                "description": "accept, correction (补正: 一次性告知 materials) or refused "
                "(不予受理: reason required)"},
    "promised_on": {"type": "string", "format": "date", "description": "承诺件: edit the "
                    "promised day, never past the statutory limit"},
    "lead_department": base._text(100), "co_departments": {
        "type": "array", "items": base._text(100), "description": "联办件: required"},
    "materials": {"type": "array", "items": {"type": "string"},
                  "description": "补正: default the matter's materials"},
    "reason": base._text(500), "note": base._text(500), "name": base._text(40),
    "phone": {"type": "string", "description": "mainland mobile; stored masked"},
    "id_number": {"type": "string", "description": "stored as a keyed hash only"}}}


def _download(summary: str, mimetype: str, parameters: list) -> dict:
    errors = base._responses("200", {}, "400", "401", "403", "404")
    errors.pop("200")
    return {"get": {"summary": summary, "security": [{"bearer": []}], "parameters": parameters,
                    "responses": {"200": {"description": "the file", "content": {mimetype: {}}},
                                  **errors}}}


REPORT_ROW = {"type": "object", "properties": {
    **{k: {"type": "integer"} for k in ("cases", "accepted", "corrections", "refused", "done",
                                        "on_time", "open", "overdue")},
    **{k: {"type": ["number", "null"]} for k in (
        "done_rate", "on_time_rate", "avg_working_days", "avg_promised_days",
        "avg_statutory_days", "compression")}}}


def case_paths() -> dict:
    bearer = [{"bearer": []}]
    case_params = [base._hall_param(), {"name": "case_id", "in": "path", "required": True,
                                        "schema": {"type": "integer"}}]
    flag = {"enum": ["true", "false", "1", "0"]}
    moves = sorted({s for targets in TRANSITIONS.values() for s in targets})
    report_params = [base._hall_param(), base._day_param("from"), base._day_param("to"),
                     {"name": "by", "in": "query", "schema": {
                         "enum": ["matter", "department", "kind", "window", "staff"],
                         "default": "matter"}}]
    return {
        "/api/v1/halls/{hall}/windows/{number}/cases": {"post": {
            "summary": "record a case of the ticket served (staff of the window, manager)",
            "security": bearer, "parameters": base._window_params(),
            "requestBody": base._json(ACCEPT),
            "responses": base._responses("201", CASE, "400", "401", "403", "404", "409")}},
        "/api/v1/halls/{hall}/cases": {"get": {
            "summary": "the hall's cases, newest first (staff, manager, department system)",
            "security": bearer, "parameters": [
                base._hall_param(),
                {"name": "mine", "in": "query", "schema": flag},
                {"name": "open", "in": "query", "schema": flag},
                {"name": "department", "in": "query", "schema": {"type": "string"}},
                {"name": "before", "in": "query", "schema": {"type": "integer"}}],
            "responses": base._responses("200", {"type": "array", "items": CASE}, "400",
                                         "401", "403", "404")}},
        "/api/v1/halls/{hall}/cases/lookup": {"get": {
            "summary": "窗口送达: a citizen's case by number and the last 4 characters of the ID "
                       "number or phone (public, 10 a minute per address; a wrong suffix is "
                       "404 like an unknown number)",
            "parameters": [base._hall_param(),
                           {"name": "number", "in": "query", "required": True,
                            "schema": {"type": "string", "maxLength": 20}},
                           {"name": "suffix", "in": "query", "required": True,
                            "schema": {"type": "string", "minLength": 4, "maxLength": 4}}],
            "responses": base._responses("200", LOOKUP, "400", "404", "429")}},
        "/api/v1/halls/{hall}/cases/pickup": {"post": {
            "summary": "窗口送达 at the kiosk: a 取件 ticket for a done case, by its number or a "
                       "swiped card's card_ref, sent to the window holding the result ahead of "
                       "ordinary tickets (as a transfer to that window). 404 unknown_case, 409 "
                       "case_not_ready (details.promised_on), no_pickup_window",
            "security": bearer, "parameters": [base._hall_param()],
            "requestBody": {"required": True, **base._json({"oneOf": [
                {"type": "object", "required": ["number"], "additionalProperties": False,
                 "properties": {"number": {"type": "string", "minLength": 1, "maxLength": 20}}},
                {"type": "object", "required": ["card_ref"], "additionalProperties": False,
                 "properties": {"card_ref": {"type": "string", "minLength": 16,
                                             "maxLength": 64}}}]})},
            "responses": base._responses("201", {"allOf": [base._ref("Ticket"), {
                "type": "object", "properties": {"pickup": {"type": "object", "properties": {
                    "case": {"type": "string"}, "matter_name": {"type": "string"},
                    "window": {"type": "integer"}, "window_name": {"type": "string"}}}}}]},
                "400", "401", "403", "404", "409")}},
        "/api/v1/halls/{hall}/cases/report": {"get": {
            "summary": "限时办结 figures by matter, department, kind, window or staff (managers, "
                       "supervisors): 办结率, 按时办结率, working days vs promised/statutory",
            "security": bearer, "parameters": report_params,
            "responses": base._responses("200", {"type": "object", "properties": {
                "total": REPORT_ROW, "rows": {"type": "array", "items": REPORT_ROW}}},
                "400", "401", "403", "404")}},
        "/api/v1/halls/{hall}/cases/report.csv": _download(
            "the 限时办结 report as CSV (UTF-8 with BOM, Chinese headers, 全厅 last)", "text/csv",
            report_params),
        "/api/v1/halls/{hall}/cases/report.xlsx": _download(
            "the 限时办结 report as an Excel workbook (Chinese headers, rates as percentages)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", report_params),
        "/api/v1/halls/{hall}/cases/{case_id}": {"get": {
            "summary": "one case with its history", "security": bearer,
            "parameters": case_params,
            "responses": base._responses("200", CASE, "401", "403", "404")}},
        "/api/v1/halls/{hall}/cases/{case_id}/state": {"post": {
            "summary": "move a case on (受理 → 办理中 → 办结 / 退回 / 转报), with a note",
            "security": bearer, "parameters": case_params,
            "requestBody": base._json({"type": "object", "required": ["state"], "properties": {
                "state": {"enum": moves}, "note": base._text(500)}}),
            "responses": base._responses("200", CASE, "400", "401", "403", "404", "409")}},
    }
