"""Window keypads wired to the queue server, for the window's agent (``led-agent``).

    bridge = KeypadBridge(server, hall, window,
                          caller=open_keypad(CALLER_SPEC, "caller"),
                          caller_token=CALLER_DEVICE_TOKEN,
                          evaluator=open_keypad(EVAL_SPEC, "evaluator"),
                          evaluator_token=EVALUATOR_DEVICE_TOKEN)
    bridge.start(); ...; bridge.stop()

A caller key posts the window action (``call-next``, ``recall``, ``finish``, ``no-show``; the
pause key pauses, or resumes a paused window) with ``caller_token``: the window's caller device
token (``queue-server device add NAME --kind caller --hall CODE --window N``), which never
expires and acts for whoever is signed in at the window — with nobody signed in the server
answers 409 ``not_signed_in`` and nothing happens. A staff or manager user token works too, but
expires (``HALLQ_TOKEN_TTL_HOURS``). The evaluator keypad rates the ticket the server last
asked about on the ``/evaluator`` namespace (``evaluation_request`` after 办结), marked
``channel: "keypad"``; a grade key with no such request, or after ``offer_s`` seconds, records
nothing — rating is voluntary and never guessed. Only ``requests`` and python-socketio's
client are used here. It runs on the window's PC, in ``led-agent``'s process, so it lives
with the LED agent rather than among the drivers of ``hardware/``.
"""

import logging
import threading
import time
from typing import Callable

from hallq_shared import protocol

log = logging.getLogger(__name__)

CALLER_PATHS = {"call_next": "call-next", "recall": "recall", "finish": "finish",
                "no_show": "no-show"}
DEFAULT_OFFER_S = 60.0
KEYPAD_CHANNEL = "keypad"  # how the evaluation says it came from a keypad, not the tablet

Post = Callable[[str, str, dict | None], tuple[int, dict]]


def http_post(server: str, timeout_s: float = 10.0) -> Post:
    """``post(path, token, body) -> (status, json)`` against ``server`` with requests."""
    import requests

    def post(path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
        response = requests.post(server.rstrip("/") + path, json=body or {}, timeout=timeout_s,
                                 headers={"Authorization": "Bearer " + token})
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, {}
    return post


class CallerActions:
    """Caller keypad actions → window API calls. Pure apart from ``post``."""

    def __init__(self, post: Post, hall: str, window: int, token: str):
        self.post, self.token = post, token
        self.base = f"/api/v1/halls/{hall}/windows/{window}/"

    def __call__(self, action: str) -> tuple[int, dict]:
        if action == "pause":
            status, body = self.post(self.base + "pause", self.token, {"reason": "按键暂停"})
            if status == 200 and body.get("changed") is False:  # already paused: resume
                status, body = self.post(self.base + "resume", self.token, None)
        else:
            status, body = self.post(self.base + CALLER_PATHS[action], self.token, None)
        if status >= 400:
            _log_refusal(action, status, body)
        return status, body


def _log_refusal(action: str, status: int, body: dict) -> None:
    code = body.get("error", {}).get("code")
    if code == "not_signed_in":
        log.warning("caller key %s ignored: nobody is signed in at the window (窗口无人签到)",
                    action)
    elif status in (401, 403):
        log.error("caller key %s refused (%s %s): --caller-token must be this window's caller "
                  "device token", action, status, code)
    else:
        log.warning("caller key %s: %s %s", action, status, code)


class EvaluatorActions:
    """Evaluator keypad grades → the evaluation of the ticket on offer."""

    def __init__(self, post: Post, token: str, offer_s: float = DEFAULT_OFFER_S,
                 clock: Callable[[], float] = time.monotonic):
        self.post, self.token, self.offer_s, self.clock = post, token, offer_s, clock
        self._lock = threading.Lock()
        self._offer: tuple[dict, float] | None = None

    def offer(self, request: dict) -> None:
        """The server asks for a rating of ``request["ticket"]`` (an ``evaluation_request``)."""
        with self._lock:
            self._offer = (request, self.clock())

    def __call__(self, grade: str) -> tuple[int, dict] | None:
        with self._lock:
            offer, self._offer = self._offer, None
        if offer is None or self.clock() - offer[1] > self.offer_s:
            log.info("grade key %s with no rating on offer: ignored", grade)
            return None
        return self.post(f"/api/v1/tickets/{offer[0]['ticket']}/evaluation", self.token,
                         {"grade": grade, "channel": KEYPAD_CHANNEL})


class KeypadBridge:
    """Starts the keypads and, for an evaluator keypad, listens for ``evaluation_request``."""

    def __init__(self, server: str, hall: str, window: int, caller=None, caller_token=None,
                 evaluator=None, evaluator_token=None, post: Post | None = None,
                 socket_factory=None):
        if caller is not None and not caller_token:
            raise ValueError("a caller keypad needs the window's caller device token")
        if evaluator is not None and not evaluator_token:
            raise ValueError("an evaluator keypad needs the window's evaluator device token")
        post = post or http_post(server)
        self.server, self.hall, self.window = server, hall, window
        self.caller, self.evaluator = caller, evaluator
        self.caller_actions = CallerActions(post, hall, window, caller_token) if caller else None
        self.evaluator_actions = EvaluatorActions(post, evaluator_token) if evaluator else None
        self.evaluator_token = evaluator_token
        self._socket_factory = socket_factory or _socketio_client
        self._socket = None

    def start(self) -> None:
        if self.caller is not None:
            self.caller.start(self.caller_actions)
        if self.evaluator is not None:
            self._socket = self._socket_factory()
            self._socket.on(protocol.EVALUATION_REQUEST, self.evaluator_actions.offer,
                            namespace=protocol.EVALUATOR_NAMESPACE)
            self._socket.connect(self.server, namespaces=[protocol.EVALUATOR_NAMESPACE],
                                 auth={"token": self.evaluator_token, "hall": self.hall,
                                       "window": self.window}, wait_timeout=10)
            self.evaluator.start(self.evaluator_actions)

    def stop(self) -> None:
        for keypad in (self.caller, self.evaluator):
            if keypad is not None:
                keypad.stop()
        if self._socket is not None:
            # shutdown() also ends a reconnection in progress; none is started afterwards
            self._socket.reconnection = False
            self._socket.shutdown()


def _socketio_client():
    import socketio

    return socketio.Client(reconnection=True, reconnection_attempts=0,
                           reconnection_delay=0.5, reconnection_delay_max=10,
                           handle_sigint=False)  # the signals are the agent's main thread's
