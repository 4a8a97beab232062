"""Settings of the queue server, read from ``HALLQ_*`` environment variables.

``load_settings(overrides)`` is the one place settings come from: the environment first, then
the overrides a test or the CLI passes to ``create_app``.
"""

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from queue_server import keyfiles

DEFAULT_INSTANCE_DIR = Path("instance")


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    message_queue: str | None = None
    secret_key: str = ""
    host: str = "0.0.0.0"
    port: int = 5000
    async_mode: str = "eventlet"
    public_url: str = ""
    # Comma-separated origins (besides the server's own) whose pages may open Socket.IO.
    allowed_origins: str = ""
    # Seconds over which queue_changed pushes for one hall are coalesced (0 = push at once).
    queue_event_interval: float = 0.25
    call_policy: str = "preference"
    recall_limit: int = 5
    default_handling_s: float = 300.0
    max_request_bytes: int = 64 * 1024
    token_ttl_hours: int = 12
    auth_cache_s: float = 5.0
    log_level: str = "INFO"
    # Werkzeug method string; scrypt is slow on purpose. Tests pick a cheaper one.
    password_hash_method: str = "scrypt"
    # Seconds between two runs of the electronic-supervision task (0 = not started).
    supervisor_interval_s: float = 10.0
    # Bearer token that lets a non-loopback scraper read /metrics (empty: loopback only).
    metrics_token: str = ""
    # Reverse proxies in front of the server whose X-Forwarded-For/-Proto it trusts (1 behind
    # the shipped nginx): client addresses for login limits, audit and /metrics come from them.
    proxy_hops: int = 0
    # Security (issue 16): keys apart from the data, ID-hash retention, login and issue limits.
    id_hash_key: str = ""  # HALLQ_ID_HASH_KEY; else the file below
    id_hash_key_file: str = ""  # HALLQ_ID_HASH_KEY_FILE; default <key_dir>/id_hash_key
    key_dir: str = ""  # HALLQ_KEY_DIR; default ~/.config/hallq (see keyfiles)
    id_hash_retention_days: int = 30  # ID hashes are purged this long after the ticket ends
    login_max_failures: int = 5  # failed sign-ins in a row before the name is locked
    login_lockout_s: float = 300.0
    login_rate_limit: str = "30 per minute"  # per client address (Flask-Limiter syntax)
    issue_rate_limit: str = "60 per minute"  # tickets per kiosk or user token
    booking_rate_limit: str = "20 per minute"  # public booking writes per client address
    booking_retention_days: int = 90  # bookings are deleted this long after their day
    realname_window_s: float = 600.0  # real-name tickets counted over this window…
    realname_kiosk_limit: int = 30  # …per kiosk
    realname_hall_limit: int = 300  # …per hall
    card_ref_ttl_s: float = 120.0  # a card swipe's reference works this long
    evaluation_window_s: float = 600.0  # a finished ticket can be rated this long
    socket_recheck_s: float = 5.0  # open sockets' tokens are checked again this often
    extra: dict = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


_INT_FIELDS = {"port", "recall_limit", "max_request_bytes", "token_ttl_hours",
               "id_hash_retention_days", "login_max_failures", "realname_kiosk_limit",
               "realname_hall_limit", "proxy_hops", "booking_retention_days"}
_FLOAT_FIELDS = {"queue_event_interval", "default_handling_s", "auth_cache_s",
                 "supervisor_interval_s", "login_lockout_s", "realname_window_s",
                 "card_ref_ttl_s", "evaluation_window_s", "socket_recheck_s"}


def _from_environment(environ) -> dict:
    values = {}
    for f in fields(Settings):
        raw = environ.get("HALLQ_" + f.name.upper())
        if raw is None or f.name == "extra":
            continue
        if f.name in _INT_FIELDS:
            values[f.name] = int(raw)
        elif f.name in _FLOAT_FIELDS:
            values[f.name] = float(raw)
        else:
            values[f.name] = raw or None if f.name == "message_queue" else raw
    return values


def default_database_url() -> str:
    path = (DEFAULT_INSTANCE_DIR / "hallq.sqlite3").resolve()
    return f"sqlite:///{path}"


def load_settings(overrides: dict | None = None, environ=None) -> Settings:
    values = _from_environment(os.environ if environ is None else environ)
    if values.get("secret_key"):
        keyfiles.check_length("HALLQ_SECRET_KEY", values["secret_key"])
    values.update(overrides or {})
    unknown = set(values) - {f.name for f in fields(Settings)}
    if unknown:
        raise ValueError(f"unknown settings: {sorted(unknown)}")
    settings = Settings(**values)
    if not settings.database_url:
        settings = replace(settings, database_url=default_database_url())
    if not settings.secret_key:
        settings = replace(settings, secret_key=keyfiles.session_secret(settings))
    if settings.async_mode not in ("eventlet", "threading"):
        raise ValueError("HALLQ_ASYNC_MODE must be 'eventlet' or 'threading'")
    return settings

