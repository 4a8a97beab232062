"""The OpenAPI description of the staff counter's endpoints.
``openapi.document()`` merges these paths over its own."""

from queue_server.api import openapi as base


def counter_paths() -> dict:
    """The counter (sign-in, window state, own figures, staff photos), follow-up cases,
    ledger, export."""
    bearer = [{"bearer": []}]
    case_params = [base._hall_param(), {"name": "case_id", "in": "path", "required": True,
                                   "schema": {"type": "integer"}}]
    ranged = [base._hall_param(), base._day_param("from"), base._day_param("to")] + [
        {"name": "format", "in": "query", "schema": {"enum": ["json", "csv"], "default": "json"}}]
    note = {"type": "object", "required": ["note"], "properties": {"note": base._text(1000)}}
    close = {"type": "object", "required": ["outcome", "note"], "properties": {
        "outcome": {"enum": ["fixed", "fix_by_date", "explained"]},
        "note": base._text(1000),
        "fix_by": {"type": "string", "format": "date", "description": "today or later; "
                   "required (with measure) for fix_by_date"},
        "measure": base._text(1000),
        "responsible": {"type": "string", "maxLength": 100}}}
    obj = {"type": "object"}
    return {
        "/api/v1/halls/{hall}/windows/{number}/sign-in": {"post": {
            "summary": "sign in at the window (one person per window; manager: take_over)",
            "security": bearer, "parameters": base._window_params(),
            "requestBody": base._json({"type": "object",
                                  "properties": {"take_over": {"type": "boolean"}}}),
            "responses": base._responses("200", obj, "401", "403", "404", "409")}},
        "/api/v1/halls/{hall}/windows/{number}/sign-out": {"post": {
            "summary": "sign out of the window", "security": bearer,
            "parameters": base._window_params(),
            "responses": base._responses("200", obj, "401", "403", "404", "409")}},
        "/api/v1/halls/{hall}/windows/{number}/counter": {"get": {
            "summary": "the counter page's state: current ticket, queues, session",
            "security": bearer, "parameters": base._window_params(),
            "responses": base._responses("200", obj, "401", "403", "404")}},
        "/api/v1/halls/{hall}/me": {"get": {
            "summary": "the caller's windows, session and own figures for today",
            "security": bearer, "parameters": [base._hall_param()],
            "responses": base._responses("200", obj, "401", "403", "404")}},
        "/api/v1/halls/{hall}/followups": {"get": {
            "summary": "bad-review follow-up cases (manager)", "security": bearer,
            "parameters": [base._hall_param(), {"name": "status", "in": "query", "schema": {
                "enum": ["open", "closed", "overdue"]}}],
            "responses": base._responses("200", {"type": "array", "items": obj}, "400", "401",
                                    "403", "404")}},
        "/api/v1/halls/{hall}/followups/{case_id}": {"get": {
            "summary": "one follow-up case (manager)", "security": bearer,
            "parameters": case_params,
            "responses": base._responses("200", obj, "401", "403", "404")}},
        "/api/v1/halls/{hall}/followups/{case_id}/phone": {"get": {
            "summary": "the citizen's whole call-back phone (lists show it masked); the view "
                       "is logged. 404 no_phone when none is kept (or the case is closed)",
            "security": bearer, "parameters": case_params,
            "responses": base._responses("200", obj, "401", "403", "404")}},
        "/api/v1/halls/{hall}/followups/{case_id}/callback": {"post": {
            "summary": "record the call-back (回访) to the citizen", "security": bearer,
            "parameters": case_params, "requestBody": {"required": True, **base._json(note)},
            "responses": base._responses("200", obj, "400", "401", "403", "404", "409")}},
        "/api/v1/halls/{hall}/followups/{case_id}/close": {"post": {
            "summary": "close with an outcome (fix_by_date writes a ledger entry)",
            "security": bearer, "parameters": case_params,
            "requestBody": {"required": True, **base._json(close)},
            "responses": base._responses("200", obj, "400", "401", "403", "404", "409")}},
        "/api/v1/halls/{hall}/followups/ledger": {"get": {
            "summary": "the follow-up ledger (台账) of cases opened in a date range, JSON or CSV",
            "security": bearer, "parameters": ranged,
            "responses": base._responses("200", {"type": "array", "items": obj}, "400", "401",
                                    "403", "404")}},
        "/api/v1/halls/{hall}/staff-photos/{key}": {"get": {
            "summary": "a staff member's photo (JPEG, PNG or WebP) for the window evaluator; "
                       "no token: the random key, new with each photo, is the access. Cached "
                       "for good (immutable, ETag)",
            "parameters": [base._hall_param(), {"name": "key", "in": "path", "required": True,
                                           "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the photo", "content": {
                t: {} for t in ("image/jpeg", "image/png", "image/webp")}},
                "304": {"description": "not modified (If-None-Match)"},
                "404": {"description": "unknown hall or photo", **base._json(base._ERROR)}}}},
        "/api/v1/halls/{hall}/evaluations/export": {"get": {
            "summary": "evaluations in GB/T 39046 field form (grade code 1 = 非常满意 … "
                       "5 = 非常不满意), JSON or CSV", "security": bearer, "parameters": ranged,
            "responses": base._responses("200", obj, "400", "401", "403", "404")}},
        "/api/v1/audit": {"get": {
            "summary": "the audit log (admin): who did what, when, from where; JSON or CSV",
            "security": bearer, "parameters": [
                {"name": n, "in": "query", "schema": {"type": "string", "format": "date"}}
                for n in ("from", "to")] + [
                {"name": "format", "in": "query", "schema": {"enum": ["json", "csv"]}}],
            "responses": base._responses("200", {"type": "array", "items": {"type": "object"}},
                                    "400", "401", "403")}},
    }
