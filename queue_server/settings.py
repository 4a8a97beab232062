"""Settings of the queue server, read from ``HALLQ_*`` environment variables.

``load_settings(overrides)`` is the one place settings come from: the environment first, then
the overrides a test or the CLI passes to ``create_app``.
"""

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

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
    extra: dict = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


_INT_FIELDS = {"port", "recall_limit", "max_request_bytes", "token_ttl_hours"}
_FLOAT_FIELDS = {"queue_event_interval", "default_handling_s", "auth_cache_s",
                 "supervisor_interval_s"}


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
    values.update(overrides or {})
    unknown = set(values) - {f.name for f in fields(Settings)}
    if unknown:
        raise ValueError(f"unknown settings: {sorted(unknown)}")
    settings = Settings(**values)
    if not settings.database_url:
        settings = replace(settings, database_url=default_database_url())
    if not settings.secret_key:
        settings = replace(settings, secret_key=_instance_secret())
    if settings.async_mode not in ("eventlet", "threading"):
        raise ValueError("HALLQ_ASYNC_MODE must be 'eventlet' or 'threading'")
    return settings


def _instance_secret() -> str:
    """A secret kept under ./instance/ so a demo hall's tokens and ID hashes survive restarts."""
    import secrets

    path = DEFAULT_INSTANCE_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    DEFAULT_INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
