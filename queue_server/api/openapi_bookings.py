"""The OpenAPI description of appointments (预约取号, issue 13): the public booking API of the
phone page and the kiosk's check-in. ``openapi.document()`` merges these paths over its own."""

from queue_server.api import openapi as base

_CODE = {"name": "code", "in": "path", "required": True,
         "schema": {"type": "string", "maxLength": 12}, "description": "the booking code"}
_LAST4 = {"type": "string", "minLength": 4, "maxLength": 4,
          "description": "the last four characters of the ID number (proof of the booking)"}
_DAY = {"type": "string", "format": "date", "description": "one of the bookable days"}
_SLOT = {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$",
         "description": "a slot start, HH:MM, as listed by booking/slots"}
_BOOKING = {"type": "object", "properties": {
    "code": {"type": "string"}, "hall": {"type": "string"}, "service": {"type": "string"},
    "day": {"type": "string", "format": "date"}, "slot": {"type": "string"},
    "phone": {"type": "string", "description": "masked: 138****1234"},
    "state": {"enum": ["booked", "checked_in", "cancelled", "missed"]}}}
_SLOTS = {"type": "object", "properties": {
    "service": {"type": "string"}, "slot_min": {"type": "integer"},
    "days": {"type": "array", "items": {"type": "object", "properties": {
        "day": {"type": "string", "format": "date"},
        "slots": {"type": "array", "items": {"type": "object", "properties": {
            "start": {"type": "string"}, "places_left": {"type": "integer", "minimum": 0}}}}}}}}}
_SERVICES = {"type": "object", "properties": {"services": {"type": "array", "items": {
    "type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                                     "name_en": {"type": "string"}}}}}}
_DAY_VIEW = {"type": "object", "properties": {
    "day": {"type": "string", "format": "date"}, "no_show_days": {"type": "integer"},
    "no_show_rate": {"type": ["number", "null"],
                     "description": "missed / (missed + checked in); null: none yet"},
    "slots": {"type": "array", "items": {"type": "object", "properties": {
        "service": {"type": "string"}, "slot": {"type": "string"},
        **{s: {"type": "integer"} for s in ("booked", "checked_in", "cancelled", "missed")}}}}}}
_LIMITED = " Rate-limited per client address (booking_rate_limit): 429 with Retry-After."


_OVERVIEW = {"type": "object", "properties": {
    "today": {"type": "string", "format": "date"},
    "days": {"type": "array", "items": {"type": "string", "format": "date"}},
    "slots": {"type": "array", "items": {"type": "object", "properties": {
        "day": {"type": "string", "format": "date"}, "service": {"type": "string"},
        "service_name": {"type": "string"}, "slot": {"type": "string"},
        **{s: {"type": "integer"} for s in ("booked", "checked_in", "cancelled", "missed")}}}},
    "figures": {"type": "object", "properties": {
        "days": {"type": "integer"}, "no_show_rate": {"type": ["number", "null"]},
        "booked_share": {"type": ["number", "null"]},
        "avg_wait_s": {"type": ["integer", "null"]}, "max_wait_s": {"type": ["integer", "null"]},
        "waiting_now": {"type": "integer"}}}}}


def _overview_download(summary: str, mimetype: str) -> dict:
    return {"get": {"summary": summary, "security": [{"bearer": []}],
                    "parameters": [base._hall_param()],
                    "responses": {"200": {"description": "the file", "content": {mimetype: {}}},
                                  **{k: v for k, v in base._responses(
                                      "200", {}, "401", "403", "404").items() if k != "200"}}}}


def _body(properties: dict, required: list) -> dict:
    return {"required": True, **base._json({"type": "object", "required": required,
                                            "properties": properties})}


def _by_code(summary: str, properties: dict, required: list, *errors) -> dict:
    return {"post": {"summary": summary + _LIMITED, "parameters": [base._hall_param(), _CODE],
                     "requestBody": _body(properties, required),
                     "responses": base._responses("200", _BOOKING, "404", "429", *errors)}}


def booking_paths() -> dict:
    paths = _paths()
    paths[f"{_HALL}/bookings"].update(paths.pop(f"{_HALL}/bookings#post"))
    return paths


_HALL = "/api/v1/halls/{hall}"


def _paths() -> dict:
    hall = _HALL
    return {
        f"{hall}/booking/services": {"get": {
            "summary": "the services of the hall that take bookings (public)",
            "parameters": [base._hall_param()],
            "responses": base._responses("200", _SERVICES, "404")}},
        f"{hall}/booking/slots": {"get": {
            "summary": "the bookable days (the next working days) and slots of a service, "
                       "with the places left (public)",
            "parameters": [base._hall_param(), {"name": "service", "in": "query",
                                                "required": True, "schema": {"type": "string"}}],
            "responses": base._responses("200", _SLOTS, "404", "409")}},
        f"{hall}/bookings#post": {"post": {
            "summary": "book a slot (public): the ID number is checked like the kiosk keypad's "
                       "and kept only as a keyed hash; one active booking per person, service "
                       "and day; 409 slot_full, already_booked, booking_blocked (爽约), "
                       "day_not_bookable, booking_not_offered." + _LIMITED,
            "parameters": [base._hall_param()],
            "requestBody": _body({"service": {"type": "string"}, "day": _DAY, "slot": _SLOT,
                                  "id_number": {"type": "string"},
                                  "phone": {"type": "string", "description": "mainland mobile"}},
                                 ["service", "day", "slot", "id_number", "phone"]),
            "responses": base._responses("201", _BOOKING, "404", "409", "429")}},
        f"{hall}/bookings/{{code}}/lookup": _by_code(
            "a booking, by its code and the ID number's last four", {"id_last4": _LAST4},
            ["id_last4"]),
        f"{hall}/bookings/{{code}}/cancel": _by_code(
            "cancel a booking; its place is free again", {"id_last4": _LAST4}, ["id_last4"],
            "409"),
        f"{hall}/bookings/{{code}}/change": _by_code(
            "move a booking to another day or slot of its service; the code stays",
            {"id_last4": _LAST4, "day": _DAY, "slot": _SLOT}, ["id_last4", "day", "slot"],
            "409"),
        f"{hall}/bookings": {"get": {
            "summary": "managers and supervisors: a day's bookings per service and slot by "
                       "state, and the no-show (爽约) rate of the last 30 days",
            "security": [{"bearer": []}], "parameters": [base._hall_param(), {
                "name": "day", "in": "query",
                "schema": {"anyOf": [{"type": "string", "format": "date"}, {"const": ""}]},
                "description": "the hall-local day YYYY-MM-DD between 1970-01-02 and "
                               "2099-12-31; empty or absent = today"}],
            "responses": base._responses("200", _DAY_VIEW, "400", "404")}},
        f"{hall}/bookings/overview": {"get": {
            "summary": "managers and supervisors (the dashboard's bookings tab): today's and "
                       "the coming bookable days' bookings per service and slot by state; "
                       "over the last 30 days the no-show rate, the share of booked tickets "
                       "and booked citizens' waits after check-in (seconds)",
            "security": [{"bearer": []}], "parameters": [base._hall_param()],
            "responses": base._responses("200", _OVERVIEW, "401", "403", "404")}},
        f"{hall}/bookings/overview.csv": _overview_download(
            "the bookings overview as CSV (UTF-8 with BOM)", "text/csv"),
        f"{hall}/bookings/overview.xlsx": _overview_download(
            "the bookings overview as an Excel workbook", "application/vnd.openxmlformats-"
            "officedocument.spreadsheetml.sheet"),
        f"{hall}/bookings/check-in": {"post": {
            "summary": "the kiosk checks a booking of today in, by its code or a swiped card's "
                       "card_ref: a waiting ticket marked booked (called ahead of walk-ins "
                       "once its slot has begun). 409 too_early (details.come_back_at HH:MM), "
                       "booking_late (details.offer = ticket: take an ordinary ticket of "
                       "details.service), booking_not_active",
            "security": [{"bearer": []}], "parameters": [base._hall_param()],
            "requestBody": {"required": True, **base._json({"oneOf": [
                {"type": "object", "required": ["code"], "additionalProperties": False,
                 "properties": {"code": {"type": "string", "minLength": 1, "maxLength": 12}}},
                {"type": "object", "required": ["card_ref"], "additionalProperties": False,
                 "properties": {"card_ref": {"type": "string", "minLength": 16,
                                             "maxLength": 64}}}]})},
            "responses": base._responses("201", {"allOf": [base._ref("Ticket"), {
                "type": "object", "properties": {"booking": {"type": "string"},
                                                 "booked": {"const": True}}}]},
                "404", "409")}},
    }
