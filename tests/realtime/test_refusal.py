"""Refusals carry the error code where Socket.IO clients look for it (``error.data.code``)."""

import pytest
from flask_socketio import ConnectionRefusedError

from queue_server.realtime.refusal import refuse


def test_a_refusal_carries_message_and_data_with_the_code():
    with pytest.raises(ConnectionRefusedError) as refused:
        refuse("unauthenticated", "a valid kiosk device token is required")
    assert refused.value.error_args == {
        "message": "a valid kiosk device token is required",
        "data": {"code": "unauthenticated", "message": "a valid kiosk device token is required"}}
