"""The OpenAPI description of the counter's safety and speed actions (issue 17): call-next's
optional body, no-show's undo answer, undo-no-show, call-number (选呼), hold and unhold (挂起).
``openapi.document()`` merges these paths over its own."""

from queue_server.api import openapi as base

_TICKET_ANSWER = {"type": "object", "properties": {"ticket": base._ref("Ticket")}}
_FINISH = {"type": ["integer", "null"],
           "description": "the id of the ticket the clerk means to end (null: nothing is "
                          "current); any other current ticket is 409 current_ticket_changed"}
_CONFIRM = {"type": "boolean", "description": "true: end whatever ticket is current"}


def _action(summary: str, body=None, required=False, answer=None) -> dict:
    op = {"summary": summary, "security": [{"bearer": []}], "parameters": base._window_params(),
          "responses": base._responses("200", answer or _TICKET_ANSWER,
                                       "400", "401", "403", "404", "409")}
    if body is not None:
        op["requestBody"] = {"required": required, **base._json(body)}
    return {"post": op}


def desk_paths() -> dict:
    prefix = "/api/v1/halls/{hall}/windows/{number}/"
    return {
        prefix + "call-next": _action(
            "finish the current ticket and call the next (404 queue_empty). With a `finish` key "
            "the current ticket must be that one, else 409 current_ticket_changed and nothing "
            "changes; without it (or with confirm) the current ticket is finished, whichever "
            "it is (the contract's behaviour)",
            {"type": "object", "properties": {"finish": _FINISH, "confirm": _CONFIRM}}),
        prefix + "no-show": _action(
            "the current did not come: ends it as no_show, or requeues it (过号顺延) when its "
            "service says so; undo possible for undo_s seconds", answer={
                "type": "object", "properties": {
                    "ticket": base._ref("Ticket"), "requeued": {"type": "boolean"},
                    "undo_s": {"type": "integer"},
                    "undo_until": {"type": "string", "format": "date-time"}}}),
        prefix + "undo-no-show": _action(
            "take the window's latest no-show back as its called ticket, within the hall's "
            "no_show_undo_s (409 undo_expired, window_busy)",
            {"type": "object", "properties": {"ticket": {"type": "integer"}}}),
        prefix + "call-number": _action(
            "选呼/特呼: call one waiting ticket of a service this window serves (404 "
            "unknown_ticket; 409 ticket_not_waiting, not_served_here, current_ticket_changed)",
            {"type": "object", "required": ["number"], "properties": {
                "number": {"type": "string", "example": "A012"}, "finish": _FINISH,
                "confirm": _CONFIRM}}, required=True),
        prefix + "hold": _action(
            "挂起: the current ticket becomes held (off the screens, listed on the counter)",
            {"type": "object", "properties": {"ticket": {
                "type": "integer", "description": "if given, must be the current ticket"}}}),
        prefix + "unhold": _action(
            "bring a ticket this window holds back as its called ticket (409 window_busy, "
            "ticket_not_held, held_elsewhere)",
            {"type": "object", "required": ["ticket"],
             "properties": {"ticket": {"type": "integer"}}}, required=True),
    }
