"""``led-agent``: drives the LED sign over one window from the server's ``/display`` pushes.

    led-agent --server http://hall-server:5000 --hall demo --window 3 --sign serial:/dev/ttyUSB0

It connects to the public ``/display`` namespace with ``auth={"hall", "window"}`` and shows the
number being served (``请A001号办理`` when the sign is wide enough, else ``A001``); otherwise the
window's state in the words every screen uses (``hallq_shared.windows``): ``暂停``,
``等候叫号`` or ``未开放``, after the window's name when the sign is wide enough. The state and
the current ticket are the server's (``window_changed`` carries both): a ticket transferred,
marked no-show, finished or held, or a clerk signing out, leaves the sign at once.

Every (re)connect brings a ``hall_snapshot`` that is shown whatever the sign showed before, so after a server restart or a
network cut the sign shows the true state. The agent retries the first connection and every
lost one with backoff (0.5 s doubling up to 10 s). SIGTERM or SIGINT (to the agent or its process
group) stops it: it disconnects, stops the keypads, closes the sign and exits 0 (see
``hallq_shared.lifecycle``).

With ``--token`` (an ``led`` device token, or HALLQ_LED_TOKEN) it connects as that device and
sends a heartbeat every minute, so the supervisor raises ``device_silent`` when the sign's
computer goes dark; without one it connects anonymously, untracked.

With ``--caller-keypad`` / ``--evaluator-keypad`` it also runs the window's keypads
(``display/keypad_bridge.py``): the caller keypad with the window's caller device token
(``--caller-token``), the evaluator keypad with its evaluator device token.

The decisions (what the sign says for a window state) are the pure functions at the top.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time

from hallq_shared import protocol
from hallq_shared.disconnect import disconnect_for_good
from hallq_shared.windows import CLOSED, IDLE, PAUSED, SERVING, STATES, label
from hardware.led import LedSignError, open_led_sign
from hardware.led.drivers import DEFAULT_WIDTH
from hardware.led.frames import cell_width, sanitize_text

log = logging.getLogger("display.led_agent")

NAMESPACE = protocol.DISPLAY_NAMESPACE
SERVING_FORMS = ("请{number}号办理", "请{number}号", "{number}")
STATE_FORMS = ("{window_name} {label}", "{label}")
RETRY_MIN_S, RETRY_MAX_S = 0.5, 10.0
HEARTBEAT_S = float(protocol.DEVICE_HEARTBEAT_S)


def window_state(snapshot: dict, window: int) -> dict:
    """The agent's window state from a ``hall_snapshot``: {window_name, state, reason, number}."""
    for entry in snapshot.get("windows", []):
        if entry.get("window") == window:
            return _state(entry)
    return {"window_name": f"{window}号窗口", "state": CLOSED, "reason": None, "number": None}


def apply_event(state: dict, name: str, payload: dict, window: int) -> dict:
    """The window state after a ``window_changed`` or ``ticket_called`` push for ``window``."""
    if payload.get("window") != window:
        return state
    if name == protocol.WINDOW_CHANGED:
        return _state(payload)
    if name == protocol.TICKET_CALLED:
        return dict(state, state=SERVING, number=payload.get("number"),
                    window_name=payload.get("window_name") or state["window_name"])
    return state


def _state(entry: dict) -> dict:
    current = entry.get("current") or {}
    state = entry.get("state")
    if state not in STATES:  # a server older than the four states said "open"
        state = (SERVING if current.get("number") else IDLE) if state == "open" else CLOSED
    return {"window_name": entry.get("window_name") or f"{entry.get('window')}号窗口",
            "state": state, "reason": entry.get("reason"),
            "number": current.get("number") if state == SERVING else None}


def sign_text(state: dict, max_width: int = DEFAULT_WIDTH) -> str:
    """What the sign shows: the number served, else the window's state (with its name if it
    fits): 暂停, 等候叫号 or 未开放 — the same words as the hall and window screens."""
    if state["state"] == SERVING and state.get("number"):
        return _widest(SERVING_FORMS, max_width, number=state["number"])
    word = label(state["state"] if state["state"] in (PAUSED, IDLE) else CLOSED)
    return _widest(STATE_FORMS, max_width, window_name=state["window_name"], label=word)


def _widest(forms, max_width: int, **values) -> str:
    for form in forms:
        text = form.format(**values)
        if cell_width(sanitize_text(text)) <= max_width:
            return text
    return forms[-1].format(**values)


class LedAgent:
    """Keeps one sign showing one window's state; safe to call from the client's threads."""

    def __init__(self, sign, window: int, max_width: int):
        self.sign = sign
        self.window = window
        self.max_width = max_width
        self.state: dict | None = None
        self.shown: str | None = None
        self._lock = threading.Lock()

    def snapshot(self, snapshot: dict) -> None:
        with self._lock:
            self.state = window_state(snapshot, self.window)
            self._show(force=True)  # the sign may have been power-cycled meanwhile

    def event(self, name: str, payload: dict) -> None:
        with self._lock:
            if self.state is None:
                return  # the snapshot that follows every connect brings the state
            self.state = apply_event(self.state, name, payload, self.window)
            self._show(force=False)

    def retry(self) -> None:
        """Show again after a failed write (the sign was unplugged, the network down)."""
        with self._lock:
            if self.state is not None and self.shown is None:
                self._show(force=True)

    def _show(self, force: bool) -> None:
        text = sign_text(self.state, self.max_width)
        if text == self.shown and not force:
            return
        try:
            self.sign.show(text)
            self.shown = text
            log.info("window %s shows %s", self.window, text)
        except LedSignError as error:
            self.shown = None
            log.warning("LED sign write failed (retrying): %s", error)


def run(args, stop: threading.Event) -> int:
    from hallq_shared.inorder_client import InOrderClient

    sign = open_led_sign(args.sign, address=args.address, max_width=args.width,
                         overflow=args.overflow)
    agent = LedAgent(sign, args.window, args.width)
    client = InOrderClient(reconnection=True, reconnection_attempts=0,
                           reconnection_delay=RETRY_MIN_S, reconnection_delay_max=RETRY_MAX_S,
                           handle_sigint=False)  # the signals are the main thread's
    client.on(protocol.HALL_SNAPSHOT, agent.snapshot, namespace=NAMESPACE)
    for name in (protocol.TICKET_CALLED, protocol.WINDOW_CHANGED):
        client.on(name, lambda payload, name=name: agent.event(name, payload), namespace=NAMESPACE)
    dropped = threading.Event()  # lost, not ended by the stop: a reconnection may be starting

    def on_disconnect(*reason):
        if not stop.is_set():
            dropped.set()
            log.warning("disconnected; reconnecting")

    client.on("connect", dropped.clear, namespace=NAMESPACE)
    client.on("disconnect", on_disconnect, namespace=NAMESPACE)
    client.on("connect_error", lambda data=None: _refused_token(args, data),
              namespace=NAMESPACE)
    bridge = _keypad_bridge(args)
    try:
        if bridge is not None:
            bridge.start()
        _connect_with_backoff(client, args, stop)
        last_beat = time.monotonic()
        while not stop.wait(2.0):
            agent.retry()
            if args.token and time.monotonic() - last_beat >= HEARTBEAT_S:
                last_beat = time.monotonic()
                _heartbeat(client)
    finally:
        if bridge is not None:
            bridge.stop()
        disconnect_for_good(client, dropped.is_set())
        sign.close()
    return 0


def _keypad_bridge(args):
    """The window's caller and evaluator keypads (hardware/keypad), when any is configured."""
    from hardware.keypad import open_keypad
    from display.keypad_bridge import KeypadBridge

    caller = None if args.caller_keypad == "none" else open_keypad(args.caller_keypad, "caller")
    evaluator = (None if args.evaluator_keypad == "none"
                 else open_keypad(args.evaluator_keypad, "evaluator"))
    if caller is None and evaluator is None:
        return None
    return KeypadBridge(args.server, args.hall, args.window, caller, args.caller_token,
                        evaluator, args.evaluator_token)


def _heartbeat(client) -> None:
    """"Still here" to the server (only while connected; a reconnect counts as one too)."""
    if client.connected:
        try:
            client.emit(protocol.HEARTBEAT, {}, namespace=NAMESPACE)
        except Exception as error:  # a heartbeat lost in a reconnect is not worth a crash
            log.debug("heartbeat not sent: %s", error)


def _refused_token(args, data) -> None:
    """A revoked or foreign --token must not leave the sign dark: go on without it, untracked
    (the supervisor then reports this sign silent, which is what a manager should look at)."""
    details = data.get("data") if isinstance(data, dict) else None
    code = details.get("code") if isinstance(details, dict) else None
    if args.token and code in ("unauthenticated", "forbidden"):
        log.error("the server refused --token (%s); connecting without it", code)
        args.token = None


def _auth(args) -> dict:
    auth = {"hall": args.hall, "window": args.window}
    if args.token:
        auth["token"] = args.token
    return auth


def _connect_with_backoff(client, args, stop: threading.Event) -> None:
    import socketio

    delay = RETRY_MIN_S
    while not stop.is_set():
        try:
            client.connect(args.server, namespaces=[NAMESPACE], transports=["websocket"],
                           auth=lambda: _auth(args), wait_timeout=10)
            log.info("connected to %s (hall %s, window %s)", args.server, args.hall, args.window)
            return
        except socketio.exceptions.ConnectionError as error:
            log.warning("cannot connect to %s: %s; retrying in %.1f s", args.server, error, delay)
            stop.wait(delay)
            delay = min(delay * 2, RETRY_MAX_S)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="led-agent", description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", required=True, help="queue server URL, e.g. http://host:5000")
    parser.add_argument("--hall", required=True, help="hall code")
    parser.add_argument("--window", required=True, type=int, help="window number")
    parser.add_argument("--sign", required=True,
                        help="serial:DEVICE[:BAUD], udp:HOST:PORT, file:PATH or console")
    parser.add_argument("--address", type=int, default=None,
                        help="the sign's bus address (default: the window number)")
    parser.add_argument("--width", type=int, default=DEFAULT_WIDTH,
                        help="sign width in half-width cells (a Chinese character takes 2)")
    parser.add_argument("--overflow", choices=("scroll", "truncate"), default="scroll")
    parser.add_argument("--token", default=os.environ.get("HALLQ_LED_TOKEN"),
                        help="this sign's led device token (queue-server device add NAME --kind "
                             "led --hall CODE): heartbeats for the supervisor (or "
                             "HALLQ_LED_TOKEN); omit to connect anonymously")
    parser.add_argument("--caller-keypad", default="none",
                        help="the window's caller keypad: evdev:PATH[?map=…], fake or none")
    parser.add_argument("--caller-token", default=os.environ.get("HALLQ_CALLER_TOKEN"),
                        help="the window's caller device token (queue-server device add NAME "
                             "--kind caller --hall CODE --window N; never expires, acts for "
                             "whoever is signed in at the window) (or HALLQ_CALLER_TOKEN)")
    parser.add_argument("--evaluator-keypad", default="none",
                        help="the window's 4/5-key evaluator: evdev:PATH[?keys=4], fake or none")
    parser.add_argument("--evaluator-token", default=os.environ.get("HALLQ_EVALUATOR_TOKEN"),
                        help="the window's evaluator device token (or HALLQ_EVALUATOR_TOKEN)")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    if args.address is None:
        args.address = args.window
    return args


def main(argv=None) -> int:
    from hallq_shared import lifecycle

    lifecycle.block_stop_signals()  # a stop signal during start-up waits until we serve
    try:
        args = parse_args(argv)
    except BaseException:  # --help, a bad argument
        lifecycle.unblock_stop_signals()
        raise
    logging.basicConfig(level=args.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()

    def serve() -> int:
        try:
            return run(args, stop)
        except (LedSignError, ValueError) as error:
            print(f"led-agent: {error}", file=sys.stderr)
            return 2

    return lifecycle.serve_until_signalled(serve, stop.set, "led-agent")


if __name__ == "__main__":
    sys.exit(main())
