"""Request rate limits with Flask-Limiter (issue 16, items 2 and 4).

- ``POST /api/v1/auth/token``: ``login_rate_limit`` per client address.
- ``POST /api/v1/halls/{hall}/tickets``: ``issue_rate_limit`` per bearer token (each kiosk,
  each staff member), so a leaked kiosk token cannot take a day's quota in milliseconds.
- The public booking writes (``POST …/bookings``, ``…/bookings/{code}/lookup|cancel|change``):
  ``booking_rate_limit`` per client address, against booking bots and code guessing.

The counters live in Redis when ``HALLQ_MESSAGE_QUEUE`` is a Redis URL (shared by every server
process), else in this process's memory. A refusal is 429 ``rate_limited`` with ``Retry-After``.
Behind a reverse proxy, the proxy must pass the client's address (see SECURITY.md).
"""

import hashlib
import time

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import MemoryStorage


CASE_LOOKUP_LIMIT = "10 per minute"  # per client address


PURGE_EVERY_S = 30.0


class ProcessMemoryStorage(MemoryStorage):
    """``limits``' memory storage without its expiry thread. Counters already expire when read
    (``get``); the stock storage also starts a timer thread 10 ms after each hit to drop expired
    keys, a thread start per request or two on the issue path at a thousand tickets a second.
    Here expired keys are dropped inline, at most once every ``PURGE_EVERY_S``."""

    STORAGE_SCHEME = ["hallq-memory"]  # (``limits`` registers storages by their scheme)
    _next_purge = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - overrides the private one
        now = time.monotonic()
        if now >= self._next_purge:
            self._next_purge = now + PURGE_EVERY_S
            self._MemoryStorage__expire_events()


def storage_uri(settings) -> str:
    queue = settings.message_queue or ""
    return queue if queue.startswith(("redis://", "rediss://")) else "hallq-memory://"


def _bearer_key() -> str:
    header = request.headers.get("Authorization", "")
    if not header:
        return "address:" + get_remote_address()
    return "token:" + hashlib.sha256(header.encode()).hexdigest()[:32]


def init_app(app, settings) -> Limiter:
    # A Redis outage falls back to per-process counting rather than refusing every sign-in.
    limiter = Limiter(key_func=get_remote_address, app=app, storage_uri=storage_uri(settings),
                      headers_enabled=False, key_prefix="hallq", strategy="fixed-window",
                      swallow_errors=True, in_memory_fallback_enabled=True)
    # HallQ has no default or application-wide limits: only the two decorated views below are
    # limited, and their decorators check them. Flask-Limiter's own before_request check would
    # only repeat that work on every request (twice on the limited ones), so it goes.
    checks = app.before_request_funcs.get(None, [])
    checks[:] = [check for check in checks if check != limiter._check_request_limit]
    views = app.view_functions
    views["auth.token"] = limiter.limit(settings.login_rate_limit)(views["auth.token"])
    views["halls.issue"] = limiter.limit(settings.issue_rate_limit, key_func=_bearer_key)(
        views["halls.issue"])
    # 窗口送达: a case looked up by number and a 4-character suffix must not be guessable.
    views["cases.lookup"] = limiter.limit(CASE_LOOKUP_LIMIT)(views["cases.lookup"])
    for name in ("bookings.book", "bookings.lookup", "bookings.cancel", "bookings.change"):
        views[name] = limiter.limit(settings.booking_rate_limit)(views[name])
    app.extensions["hallq_limiter"] = limiter
    return limiter


def retry_after_s(app) -> int | None:
    """Seconds until the limit this request broke resets (for a 429's ``Retry-After``).

    Flask-Limiter's own headers are off: it would put its window's reset on every answer of a
    limited route, a 503's five seconds included, and clients would wait a minute for nothing."""
    limiter = app.extensions.get("hallq_limiter")
    current = limiter.current_limit if limiter is not None else None
    if current is None:
        return None
    return max(1, int(current.reset_at - time.time()) + 1)
