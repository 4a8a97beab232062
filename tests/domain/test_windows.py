"""One window state for every screen: closed / paused / idle / serving, and when a call is true."""

from datetime import datetime, timedelta, timezone

import pytest

from queue_server.domain.windows import WindowFacts, call_is_live, label, window_state

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)


def facts(**changes) -> WindowFacts:
    base = dict(stored_state="open", signed_in=True, in_hours=True)
    return WindowFacts(**(base | changes))


@pytest.mark.parametrize("changes, expected", [
    ({}, "idle"),
    ({"signed_in": False}, "closed"),
    ({"in_hours": False}, "closed"),
    ({"stored_state": "closed"}, "closed"),
    ({"stored_state": "paused"}, "paused"),
    ({"stored_state": "paused", "signed_in": False}, "paused"),
    ({"ticket_status": "called", "called_at": T0}, "serving"),
    ({"ticket_status": "called", "called_at": T0, "stored_state": "paused"}, "paused"),
    ({"ticket_status": "transferred", "called_at": T0}, "idle"),
    ({"ticket_status": "held", "called_at": T0}, "idle"),
    ({"ticket_status": "suspended", "called_at": T0}, "idle"),
    # A manager calling at a window nobody signed in to: the call stands.
    ({"ticket_status": "called", "called_at": T0, "signed_in": False}, "serving"),
    # The clerk signed out after the call: the call no longer stands, nobody is there.
    ({"ticket_status": "called", "called_at": T0, "signed_in": False,
      "last_sign_out": T0 + timedelta(minutes=1)}, "closed"),
])
def test_window_state(changes, expected):
    assert window_state(facts(**changes)) == expected


def test_a_call_after_the_last_sign_out_is_live():
    assert call_is_live(facts(ticket_status="called", called_at=T0,
                              last_sign_out=T0 - timedelta(minutes=5)))


def test_any_status_but_called_is_not_live():
    assert not call_is_live(facts(ticket_status="some_future_status", called_at=T0))


def test_the_same_words_in_both_languages():
    assert ([label(s) for s in ("closed", "paused", "idle", "serving")],
            [label(s, "en") for s in ("closed", "paused", "idle", "serving")]) == (
        ["未开放", "暂停", "等候叫号", "办理中"], ["Closed", "Paused", "Waiting for next", "Serving"])
