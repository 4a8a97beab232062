"""The OpenAPI 3.1 document of ``/api/v1``, served at ``/api/v1/openapi.json``.

A test checks that every route the server registers is described here and nothing more.
"""

_ERROR = {"$ref": "#/components/schemas/Error"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _responses(ok_status: str, ok_schema, *errors: str) -> dict:
    responses = {ok_status: {"description": "success", **_json(ok_schema)}}
    described = {"400": "invalid request", "401": "no or bad bearer token",
                 "403": "not allowed", "404": "unknown hall, service, window or ticket",
                 "409": "refused in the current state", "503": "try again"}
    for status in errors:
        responses[status] = {"description": described[status], **_json(_ERROR)}
    return responses


def _hall_param():
    return {"name": "hall", "in": "path", "required": True, "schema": {"type": "string"}}


def _window_params():
    return [_hall_param(), {"name": "number", "in": "path", "required": True,
                            "schema": {"type": "integer"}}]


def _window_action(summary: str, body=None) -> dict:
    op = {
        "summary": summary, "security": [{"bearer": []}], "parameters": _window_params(),
        "responses": _responses("200", {"type": "object", "properties": {"ticket": _ref("Ticket")}},
                                "401", "403", "404", "409"),
    }
    if body is not None:
        op["requestBody"] = {"required": True, **_json(body)}
    return {"post": op}


_TICKET = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "number": {"type": "string", "example": "A001"},
        "service": {"type": "string"}, "service_name": {"type": "string"},
        "status": {"enum": ["waiting", "called", "done", "no_show", "cancelled"]},
        "priority": {"enum": ["normal", "priority"]},
        "issued_at": {"type": "string", "format": "date-time"},
        "called_at": {"type": ["string", "null"], "format": "date-time"},
        "finished_at": {"type": ["string", "null"], "format": "date-time"},
        "window": {"type": ["integer", "null"]}, "window_name": {"type": ["string", "null"]},
        "recall_count": {"type": "integer"}, "real_name": {"type": "boolean"},
        "waiting_ahead": {"type": "integer"}, "estimated_wait_s": {"type": "integer"},
        "track_token": {"type": "string"},
    },
}

_SERVICE = {
    "type": "object",
    "properties": {
        "code": {"type": "string"}, "name": {"type": "string"}, "name_en": {"type": "string"},
        "department": {"type": "string"}, "waiting": {"type": "integer"},
        "estimated_wait_s": {"type": "integer"}, "open": {"type": "boolean"},
        "closed_reason": {"enum": [None, "hours", "quota"]},
        "quota_left": {"type": ["integer", "null"]}, "requires_id": {"type": "boolean"},
        "hours": {"type": "array", "items": {"type": "string"}},
    },
}

_WINDOW_STATE = {
    "type": "object",
    "properties": {"window": {"type": "integer"}, "window_name": {"type": "string"},
                   "state": {"enum": ["open", "paused", "closed"]},
                   "reason": {"type": ["string", "null"]}, "changed": {"type": "boolean"}},
}

_GRADES = ["very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied"]


def _paths() -> dict:
    return {
        "/healthz": {"get": {"summary": "200 while the database answers",
                             "responses": {"200": {"description": "ok"},
                                           "503": {"description": "database down", **_json(_ERROR)}}}},
        "/api/v1/openapi.json": {"get": {"summary": "this document",
                                         "responses": {"200": {"description": "OpenAPI"}}}},
        "/api/v1/auth/token": {"post": {
            "summary": "sign in", "requestBody": {"required": True, **_json({
                "type": "object", "required": ["username", "password"],
                "properties": {"username": {"type": "string"}, "password": {"type": "string"}}})},
            "responses": _responses("200", {"type": "object", "properties": {
                "token": {"type": "string"}, "role": {"enum": ["staff", "manager", "admin"]},
                "expires_in": {"type": "integer"}}}, "400", "401")}},
        "/api/v1/halls/{hall}/services": {"get": {
            "summary": "services with queue figures (public)", "parameters": [_hall_param()],
            "responses": _responses("200", {"type": "array", "items": _ref("Service")}, "404")}},
        "/api/v1/halls/{hall}/snapshot": {"get": {
            "summary": "what hall screens get on connect (public)", "parameters": [_hall_param()],
            "responses": _responses("200", {"type": "object"}, "404")}},
        "/api/v1/halls/{hall}/tickets": {"post": {
            "summary": "issue a ticket (kiosk device, staff, manager)",
            "security": [{"bearer": []}],
            "parameters": [_hall_param(), {"name": "Idempotency-Key", "in": "header",
                                           "schema": {"type": "string", "maxLength": 200}}],
            "requestBody": {"required": True, **_json({
                "type": "object", "required": ["service"],
                "properties": {"service": {"type": "string"},
                               "id_number": {"type": "string", "description": "GB 11643"},
                               "priority": {"enum": ["normal", "priority"]}}})},
            "responses": _responses("201", _ref("Ticket"), "400", "401", "403", "404", "409")}},
        "/api/v1/halls/{hall}/stats": {"get": {
            "summary": "figures for a date range (manager)", "security": [{"bearer": []}],
            "parameters": [_hall_param()] + [
                {"name": n, "in": "query", "schema": {"type": "string", "format": "date"}}
                for n in ("from", "to")],
            "responses": _responses("200", {"type": "object"}, "400", "401", "403", "404")}},
        "/api/v1/halls/{hall}/alerts": {"get": {
            "summary": "open alerts and those of the last day (manager)",
            "security": [{"bearer": []}],
            "parameters": [_hall_param(), {"name": "active", "in": "query",
                                           "schema": {"type": "boolean"}}],
            "responses": _responses("200", {"type": "array", "items": {"type": "object"}},
                                    "401", "403", "404")}},
        "/api/v1/halls/{hall}/windows/{number}/call-next": _window_action(
            "finish the current ticket and call the next (404 queue_empty)"),
        "/api/v1/halls/{hall}/windows/{number}/recall": _window_action("call the current again"),
        "/api/v1/halls/{hall}/windows/{number}/finish": _window_action("the current is done"),
        "/api/v1/halls/{hall}/windows/{number}/no-show": _window_action("the current did not come"),
        "/api/v1/halls/{hall}/windows/{number}/transfer": _window_action(
            "send the current ticket to a service or a window",
            {"type": "object", "properties": {"service": {"type": "string"},
                                              "window": {"type": "integer"}}}),
        "/api/v1/halls/{hall}/windows/{number}/pause": {"post": {
            "summary": "pause the window", "security": [{"bearer": []}],
            "parameters": _window_params(),
            "requestBody": _json({"type": "object", "properties": {"reason": {"type": "string"}}}),
            "responses": _responses("200", _WINDOW_STATE, "400", "401", "403", "404")}},
        "/api/v1/halls/{hall}/windows/{number}/resume": {"post": {
            "summary": "resume the window", "security": [{"bearer": []}],
            "parameters": _window_params(),
            "responses": _responses("200", _WINDOW_STATE, "401", "403", "404")}},
        "/api/v1/track/{token}": {"get": {
            "summary": "a ticket's place in the queue (public, by its unguessable token)",
            "parameters": [{"name": "token", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": _responses("200", {"type": "object"}, "404")}},
        "/api/v1/tickets/{ticket_id}/evaluation": {"post": {
            "summary": "rate a finished ticket (evaluator device of its window)",
            "security": [{"bearer": []}],
            "parameters": [{"name": "ticket_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "requestBody": {"required": True, **_json({
                "type": "object", "required": ["grade"],
                "properties": {"grade": {"enum": _GRADES},
                               "comment": {"type": "string", "maxLength": 500},
                               "channel": {"enum": ["evaluator", "keypad"],
                                           "description": "the tablet's screen (default) or "
                                                          "its keypad"}}})},
            "responses": _responses("201", {"type": "object"}, "400", "401", "403", "404", "409")}},
    }


def _report_params() -> list:
    return [_hall_param()] + [
        {"name": n, "in": "query", "schema": {"type": "string", "format": "date"}}
        for n in ("from", "to")] + [
        {"name": "by", "in": "query", "schema": {
            "enum": ["hall", "department", "service", "window", "staff", "hour", "day"],
            "default": "service"}}]


def _download(summary: str, mimetype: str) -> dict:
    return {"get": {"summary": summary, "security": [{"bearer": []}],
                    "parameters": _report_params(),
                    "responses": {"200": {"description": "the file",
                                          "content": {mimetype: {}}},
                                  **{k: v for k, v in _responses(
                                      "200", {}, "400", "401", "403", "404").items()
                                     if k != "200"}}}}


def _supervision_paths() -> dict:
    """Electronic supervision: live floor, reports and exports, alert acknowledgement."""
    manager_get = {"security": [{"bearer": []}], "parameters": [_hall_param()]}
    return {
        "/api/v1/alerts/{alert_id}/acknowledge": {"post": {
            "summary": "acknowledge an alert with a note (manager); clears a bad review's",
            "security": [{"bearer": []}],
            "parameters": [{"name": "alert_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "requestBody": {"required": True, **_json({
                "type": "object", "required": ["note"],
                "properties": {"note": {"type": "string", "maxLength": 500}}})},
            "responses": _responses("200", {"type": "object"}, "400", "401", "403", "404",
                                    "409")}},
        "/api/v1/supervision/halls": {"get": {
            "summary": "halls the caller may supervise (all for an admin)",
            "security": [{"bearer": []}],
            "responses": _responses("200", {"type": "array", "items": {"type": "object"}},
                                    "401", "403")}},
        "/api/v1/halls/{hall}/floor": {"get": {
            "summary": "live floor: services, windows, open alerts, today's figures (manager)",
            **manager_get,
            "responses": _responses("200", {"type": "object"}, "401", "403", "404")}},
        "/api/v1/halls/{hall}/reports": {"get": {
            "summary": "report figures for a date range grouped by one dimension (manager)",
            "security": [{"bearer": []}], "parameters": _report_params(),
            "responses": _responses("200", {"type": "object"}, "400", "401", "403", "404")}},
        "/api/v1/halls/{hall}/reports.csv": _download("the report as CSV (UTF-8, Chinese "
                                                      "headers)", "text/csv"),
        "/api/v1/halls/{hall}/reports.xlsx": _download(
            "the report as an Excel workbook (Chinese headers)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    }


def _counter_paths() -> dict:
    """The counter (sign-in, window state, own figures, staff photos), follow-up cases,
    ledger, export."""
    bearer = [{"bearer": []}]
    case_params = [_hall_param(), {"name": "case_id", "in": "path", "required": True,
                                   "schema": {"type": "integer"}}]
    ranged = [_hall_param()] + [
        {"name": n, "in": "query", "schema": {"type": "string", "format": "date"}}
        for n in ("from", "to")] + [
        {"name": "format", "in": "query", "schema": {"enum": ["json", "csv"], "default": "json"}}]
    note = {"type": "object", "required": ["note"],
            "properties": {"note": {"type": "string", "maxLength": 1000}}}
    close = {"type": "object", "required": ["outcome", "note"], "properties": {
        "outcome": {"enum": ["fixed", "fix_by_date", "explained"]},
        "note": {"type": "string", "maxLength": 1000},
        "fix_by": {"type": "string", "format": "date"}, "measure": {"type": "string"},
        "responsible": {"type": "string", "maxLength": 100}}}
    obj = {"type": "object"}
    return {
        "/api/v1/halls/{hall}/windows/{number}/sign-in": {"post": {
            "summary": "sign in at the window (one person per window; manager: take_over)",
            "security": bearer, "parameters": _window_params(),
            "requestBody": _json({"type": "object",
                                  "properties": {"take_over": {"type": "boolean"}}}),
            "responses": _responses("200", obj, "401", "403", "404", "409")}},
        "/api/v1/halls/{hall}/windows/{number}/sign-out": {"post": {
            "summary": "sign out of the window", "security": bearer,
            "parameters": _window_params(),
            "responses": _responses("200", obj, "401", "403", "404", "409")}},
        "/api/v1/halls/{hall}/windows/{number}/counter": {"get": {
            "summary": "the counter page's state: current ticket, queues, session",
            "security": bearer, "parameters": _window_params(),
            "responses": _responses("200", obj, "401", "403", "404")}},
        "/api/v1/halls/{hall}/me": {"get": {
            "summary": "the caller's windows, session and own figures for today",
            "security": bearer, "parameters": [_hall_param()],
            "responses": _responses("200", obj, "401", "403", "404")}},
        "/api/v1/halls/{hall}/followups": {"get": {
            "summary": "bad-review follow-up cases (manager)", "security": bearer,
            "parameters": [_hall_param(), {"name": "status", "in": "query", "schema": {
                "enum": ["open", "closed", "overdue"]}}],
            "responses": _responses("200", {"type": "array", "items": obj}, "400", "401",
                                    "403", "404")}},
        "/api/v1/halls/{hall}/followups/{case_id}": {"get": {
            "summary": "one follow-up case (manager)", "security": bearer,
            "parameters": case_params,
            "responses": _responses("200", obj, "401", "403", "404")}},
        "/api/v1/halls/{hall}/followups/{case_id}/callback": {"post": {
            "summary": "record the call-back (回访) to the citizen", "security": bearer,
            "parameters": case_params, "requestBody": {"required": True, **_json(note)},
            "responses": _responses("200", obj, "400", "401", "403", "404", "409")}},
        "/api/v1/halls/{hall}/followups/{case_id}/close": {"post": {
            "summary": "close with an outcome (fix_by_date writes a ledger entry)",
            "security": bearer, "parameters": case_params,
            "requestBody": {"required": True, **_json(close)},
            "responses": _responses("200", obj, "400", "401", "403", "404", "409")}},
        "/api/v1/halls/{hall}/followups/ledger": {"get": {
            "summary": "the follow-up ledger (台账) of cases opened in a date range, JSON or CSV",
            "security": bearer, "parameters": ranged,
            "responses": _responses("200", {"type": "array", "items": obj}, "400", "401",
                                    "403", "404")}},
        "/api/v1/halls/{hall}/staff-photos/{key}": {"get": {
            "summary": "a staff member's photo (JPEG, PNG or WebP) for the window evaluator; "
                       "no token: the random key, new with each photo, is the access. Cached "
                       "for good (immutable, ETag)",
            "parameters": [_hall_param(), {"name": "key", "in": "path", "required": True,
                                           "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the photo", "content": {
                t: {} for t in ("image/jpeg", "image/png", "image/webp")}},
                "304": {"description": "not modified (If-None-Match)"},
                "404": {"description": "unknown hall or photo", **_json(_ERROR)}}}},
        "/api/v1/halls/{hall}/evaluations/export": {"get": {
            "summary": "evaluations in GB/T 39046 field form (grade code 1 = 非常满意 … "
                       "5 = 非常不满意), JSON or CSV", "security": bearer, "parameters": ranged,
            "responses": _responses("200", obj, "400", "401", "403", "404")}},
    }


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "HallQ queue server", "version": "1"},
        "paths": {**_paths(), **_supervision_paths(), **_counter_paths()},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
                "Ticket": _TICKET, "Service": _SERVICE,
            },
        },
    }
