"""A Socket.IO client that hands pushes to their handlers one at a time, in arrival order.

python-engineio's client starts a new thread for every message it receives
(``_trigger_event('message', ..., run_async=True)``), so two pushes that arrive a millisecond
apart can reach their handlers in either order: an LED sign that gets ``请A002号办理`` after
``请A003号办理`` shows the wrong number until the next call. Agents that turn pushes into
state (the LED agent, the keypad bridge) use this client instead: every message is handled on
the connection's reading thread before the next one is read, as a browser does. Handlers must
therefore be quick (an LED write, a dictionary update), never wait on the server.
"""

import engineio
import socketio


class _InOrderEngineIOClient(engineio.Client):
    def _trigger_event(self, event, *args, **kwargs):
        if event == "message":
            kwargs["run_async"] = False
        return super()._trigger_event(event, *args, **kwargs)


class InOrderClient(socketio.Client):
    """``socketio.Client`` whose event handlers run in the order the pushes arrived."""

    def _engineio_client_class(self):
        return _InOrderEngineIOClient
