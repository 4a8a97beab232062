"""The four states of a window and their words, the same on every screen and sign.

    closed   未开放    Closed            nobody signed in, outside the window's hours, or closed
    paused   暂停      Paused            the clerk paused the window (暂停服务)
    idle     等候叫号  Waiting for next  staffed and open, nobody being served
    serving  办理中    Serving           a ticket called here is being served

The state words travel in ``window_changed`` and ``hall_snapshot`` pushes; the labels are what
the hall screen, the window screen, the LED sign, the phone page and the dashboard show. The
server decides the state (``queue_server.domain.windows``); the LED agent only shows it, so the
words live here, where both can import them.
"""

CLOSED, PAUSED, IDLE, SERVING = "closed", "paused", "idle", "serving"
STATES = (CLOSED, PAUSED, IDLE, SERVING)

LABELS = {
    "zh": {CLOSED: "未开放", PAUSED: "暂停", IDLE: "等候叫号", SERVING: "办理中"},
    "en": {CLOSED: "Closed", PAUSED: "Paused", IDLE: "Waiting for next", SERVING: "Serving"},
}


def label(state: str, lang: str = "zh") -> str:
    """The word for ``state`` in ``lang`` (Chinese unless ``en``)."""
    return LABELS["en" if lang == "en" else "zh"][state]
