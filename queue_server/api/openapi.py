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
                 "409": "refused in the current state", "503": "try again",
                 "429": "too many requests or failed sign-ins (Retry-After)"}
    for status in errors:
        responses[status] = {"description": described[status], **_json(_ERROR)}
    return responses


def _day_param(name: str) -> dict:
    """``from``/``to`` of reports, ledgers and exports (see ``services/periods.py``)."""
    return {"name": name, "in": "query", "description":
            "a hall-local day YYYY-MM-DD between 1970-01-02 and 2099-12-31; empty or absent = "
            "the default. 400 when `to` is before `from` or more than 366 days after it",
            "schema": {"anyOf": [{"type": "string", "format": "date"}, {"const": ""}]}}


def _text(max_length: int) -> dict:
    """A required free text: at least one character that is not white space."""
    return {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": "\\S"}


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
        "status": {"enum": ["waiting", "called", "done", "no_show", "cancelled", "held",
                            "expired"]},
        "priority": {"enum": ["normal", "priority"]},
        "issued_at": {"type": "string", "format": "date-time"},
        "called_at": {"type": ["string", "null"], "format": "date-time"},
        "finished_at": {"type": ["string", "null"], "format": "date-time"},
        "window": {"type": ["integer", "null"]}, "window_name": {"type": ["string", "null"]},
        "recall_count": {"type": "integer"}, "real_name": {"type": "boolean"},
        "booked": {"type": "boolean", "description": "checked in from a booking (预约)"},
        "requeued_count": {"type": "integer", "description": "过号顺延 so far"},
        "waiting_ahead": {"type": "integer"}, "estimated_wait_s": {"type": "integer"},
        "track_token": {"type": "string"},
    },
}

_SERVICE = {
    "type": "object",
    "properties": {
        "code": {"type": "string"}, "name": {"type": "string"}, "name_en": {"type": "string"},
        "department": {"type": "string"},
        "department_en": {"type": "string", "description": "\"\" when not configured"},
        "waiting": {"type": "integer"},
        "estimated_wait_s": {"type": "integer"}, "open": {"type": "boolean"},
        "closed_reason": {"enum": [None, "hours", "quota"]},
        "quota_left": {"type": ["integer", "null"]}, "requires_id": {"type": "boolean"},
        "id_card_only": {"type": "boolean"},
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
                "token": {"type": "string"},
                "role": {"enum": ["staff", "manager", "supervisor", "admin"]},
                "expires_in": {"type": "integer"}}}, "400", "401", "429")}},
        "/api/v1/auth/logout": {"post": {
            "summary": "end this user token on the server (and its sockets)",
            "security": [{"bearer": []}],
            "responses": {**_responses("204", {}, "401", "403"),
                          "204": {"description": "signed out"}}}},
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
                                           "schema": {"type": "string", "minLength": 1, "maxLength": 200}}],
            "requestBody": {"required": True, **_json({
                "type": "object", "required": ["service"],
                "properties": {"service": {"type": "string"},
                               "id_number": {"type": ["string", "null"], "description":
                                             "GB 11643 (checked: 400 invalid_id_number); "
                                             "empty or null = none"},
                               "card_ref": {"type": "string", "description":
                                            "a card swipe's reference (kiosk page)"},
                               "priority": {"enum": ["normal", "priority", None],
                                            "description": "null = normal; priority only "
                                            "where the hall has allow_priority (else 403 "
                                            "priority_not_offered)"}}})},
            "responses": _responses("201", _ref("Ticket"), "400", "401", "403", "404", "409",
                                    "429")}},
        "/api/v1/halls/{hall}/stats": {"get": {
            "summary": "figures for a date range (manager)", "security": [{"bearer": []}],
            "parameters": [_hall_param(), _day_param("from"), _day_param("to")],
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
            "send the current ticket to a service or a window (exactly one; null = absent; "
            "400 for the window itself)",
            {"type": "object", "properties": {"service": {"type": ["string", "null"]},
                                              "window": {"type": ["integer", "null"]}},
             "oneOf": [{"required": ["service"], "properties": {"service": {"type": "string"}}},
                       {"required": ["window"], "properties": {"window": {"type": "integer"}}}]}),
        "/api/v1/halls/{hall}/windows/{number}/pause": {"post": {
            "summary": "pause the window", "security": [{"bearer": []}],
            "parameters": _window_params(),
            "requestBody": _json({"type": "object", "properties": {
                "reason": {"type": ["string", "null"], "maxLength": 200}}}),
            "responses": _responses("200", _WINDOW_STATE, "400", "401", "403", "404")}},
        "/api/v1/halls/{hall}/windows/{number}/resume": {"post": {
            "summary": "resume the window", "security": [{"bearer": []}],
            "parameters": _window_params(),
            "responses": _responses("200", _WINDOW_STATE, "401", "403", "404")}},
        "/api/v1/track/{token}": {"get": {
            "summary": "a ticket's place in the queue (public, by its unguessable token)",
            "parameters": [{"name": "token", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": _responses("200", {"type": "object", "description": (
                "number, service, service_name, service_name_en, status, waiting_ahead, "
                "estimated_wait_s, window, window_name, issued_at, called_at, hall, hall_name, "
                "hall_name_en, windows: [{number, name, state (closed/paused/idle/serving), "
                "open}], window_state (the state of the window that called it, or null)")},
                "404")}},
        "/api/v1/track/{token}/cancel": {"post": {
            "summary": "the citizen cancels their waiting ticket (idempotent; 409 "
                       "not_cancellable once called or ended)",
            "parameters": [{"name": "token", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": _responses("200", {"type": "object"}, "404", "409")}},
        "/api/v1/tickets/{ticket_id}/evaluation": {"patch": {
            "summary": "add reasons/comment and the call-back phone (bad reviews only) to the "
                       "rating recorded on the tap; same evaluator device, within 5 minutes",
            "security": [{"bearer": []}],
            "parameters": [{"name": "ticket_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "requestBody": {"required": True, **_json({
                "type": "object", "minProperties": 1,
                "properties": {"comment": {"type": ["string", "null"], "maxLength": 500},
                               "phone": {"type": "string",
                                         "description": "mainland mobile, 1[3-9] + 9 digits"}}})},
            "responses": _responses("200", {"type": "object"}, "400", "401", "403", "404",
                                    "409")}, "post": {
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
    return [_hall_param(), _day_param("from"), _day_param("to")] + [
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
                "properties": {"note": _text(500)}})},
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
        "/api/v1/halls/{hall}/planner": {"post": {
            "summary": "staffing planner: simulate a weekday of the hall's history with window "
                       "changes; waits by hour and service (manager; a few seconds)",
            **manager_get,
            "requestBody": {"required": False, **_json({
                "type": "object", "properties": {
                    "weekday": {"type": "integer", "minimum": 0, "maximum": 6},
                    "days": {"type": "integer", "minimum": 1, "maximum": 366},
                    "seed": {"type": "integer", "minimum": 0, "maximum": 2 ** 31},
                    "target_wait_min": {"type": "integer", "minimum": 1, "maximum": 240},
                    "windows": {"type": "array", "maxItems": 200, "items": {
                        "type": "object", "required": ["number"], "properties": {
                            "number": {"type": "integer", "minimum": 1, "maximum": 9999},
                            "services": {"type": "array", "items": {"type": "string"}},
                            "closed_hours": {"type": "array", "items": {
                                "type": "integer", "minimum": 0, "maximum": 23}}}}}}})},
            "responses": _responses("200", {"type": "object"}, "400", "401", "403", "404",
                                    "503")}},
    }


def _docs_paths() -> dict:
    return {"/api/docs": {"get": {
        "summary": "this document as a readable HTML page (the API reference; public)",
        "responses": {"200": {"description": "the page", "content": {"text/html": {}}}}}}}


_ANSWERS_ANYWHERE = {"400": "invalid request (body, query or header)",
                     "401": "no or bad bearer token", "403": "not allowed for this caller",
                     "404": "unknown hall, window or other resource named in the path"}


def _complete(paths: dict) -> dict:
    """Add what any operation may answer, where the tables above leave it out: 400 for a body,
    query or header it reads, 401/403 for a bearer operation, 404 for a path naming something;
    ``text/csv`` where ``format=csv`` is offered. Keeps the document true for new operations."""
    for item in paths.values():
        for method, op in item.items():
            params = op.get("parameters", [])
            wanted = []
            if method == "post" or "requestBody" in op or any(
                    p["in"] in ("query", "header") for p in params):
                wanted.append("400")
            if op.get("security"):
                wanted += ["401", "403"]
            if any(p["in"] == "path" for p in params):
                wanted.append("404")
            responses = op.setdefault("responses", {})
            for status in wanted:
                responses.setdefault(status, {"description": _ANSWERS_ANYWHERE[status],
                                              **_json(_ERROR)})
            if any(p["name"] == "format" and "csv" in p["schema"].get("enum", ())
                   for p in params):
                responses["200"].setdefault("content", {})["text/csv"] = {
                    "schema": {"type": "string"}}
    return paths


def _counter_paths() -> dict:
    from queue_server.api.openapi_counter import counter_paths  # it builds on this module's helpers

    return counter_paths()


def _desk_paths() -> dict:
    from queue_server.api.openapi_desk import desk_paths  # it builds on this module's helpers

    return desk_paths()


def _catalogue_paths() -> dict:
    from queue_server.api.openapi_catalogue import catalogue_paths

    return catalogue_paths()


def _network_paths() -> dict:
    from queue_server.api.openapi_network import network_paths

    return network_paths()


def _case_paths() -> dict:
    from queue_server.api.openapi_cases import case_paths

    return case_paths()


def _booking_paths() -> dict:
    from queue_server.api.openapi_bookings import booking_paths

    return booking_paths()


def document() -> dict:
    from queue_server.api.openapi_catalogue import MATTER

    return {
        "openapi": "3.1.0",
        "info": {"title": "HallQ queue server", "version": "1"},
        "paths": _complete({**_paths(), **_supervision_paths(), **_counter_paths(),
                            **_docs_paths(), **_desk_paths(),
                            **_catalogue_paths(), **_network_paths(), **_case_paths(),
                            **_booking_paths()}),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
                "Ticket": _TICKET, "Service": _SERVICE, "Matter": MATTER,
            },
        },
    }
