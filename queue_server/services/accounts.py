"""Users, devices and bearer tokens, and who may do what.

Passwords are stored with a slow hash (scrypt via Werkzeug); bearer tokens, for users and devices
alike, are random and stored only as their SHA-256. A token lookup is cached for a few seconds
(``auth_cache_s``): a revoked device or user stops working within that time in every process.

Device tokens never expire; they are rotated (``rotate_device``) or revoked. Revoking a token
(logout, a disabled user, a new password, a revoked or rotated device) also closes the Socket.IO
connections it opened (``ctx.revoke_sockets``, see ``realtime/revocation.py``). A ``caller``
device (a window's caller keypad) belongs to one window and works its window actions on behalf
of whoever is signed in there (``counter.window_actor``). The SQL is in ``storage.users``,
``storage.tokens`` and ``storage.devices``.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from hallq_shared.protocol import DEVICE_KINDS, WINDOW_DEVICE_KINDS
from queue_server.caching import TtlCache, ttl_cache
from queue_server.domain.errors import DomainError
from queue_server.services import hall_tree, login_guard, profiles
# Who is calling and the one permission check of every hall endpoint (services/principals.py),
# here too: the rest of the project asks accounts who may do what.
from queue_server.services.principals import (  # noqa: F401
    ROLES,
    SUPERVISING,
    Principal,
    forbidden,
    require_hall_manager,
    require_hall_watcher,
    require_in_scope,
    require_ticket_issuer,
    require_window_actor,
    unauthenticated,
)
from queue_server.storage import devices as stored_devices
from queue_server.storage import tokens as stored_tokens
from queue_server.storage import users as stored_users

_DUMMY_HASH = generate_password_hash("not a password")
AUTH_CACHE = "auth"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A random bearer token that never starts with "-": an agent's command line
    (``led-agent --token TOKEN``) would read such a token as an option."""
    while (token := secrets.token_urlsafe(32)).startswith("-"):
        pass
    return token


# ---- authentication ----------------------------------------------------------------------

def login(ctx, username, password) -> dict:
    """Trade a name and password for a token. The slow hash runs off the event loop
    (``db.offload``); a name is locked after repeated failures (``login_guard``)."""
    if not isinstance(username, str) or not isinstance(password, str):
        raise DomainError("invalid_request", "username and password must be strings")
    login_guard.check_not_locked(ctx, username)
    with ctx.db.read() as conn:
        row = stored_users.user_by_name(conn, username)
    if row is None or not row["active"]:
        _check_password(ctx, _DUMMY_HASH, password)  # the same time as for a real name
        login_guard.record_failure(ctx, username)
        raise DomainError("invalid_credentials", "wrong username or password")
    if not _check_password(ctx, row["password_hash"], password):
        login_guard.record_failure(ctx, username)
        raise DomainError("invalid_credentials", "wrong username or password")
    login_guard.record_success(ctx, username)
    token = new_token()
    now = ctx.clock()
    with ctx.db.write() as conn:
        stored_tokens.purge_expired(conn, now)
        stored_tokens.add(conn, token_digest(token), row["id"], now,
                          now + timedelta(hours=ctx.settings.token_ttl_hours))
    return {"token": token, "role": row["role"], "expires_in": ctx.settings.token_ttl_hours * 3600}


def _check_password(ctx, stored: str, password: str) -> bool:
    """The slow hash in a native thread (``db.offload``), at most one per CPU but one at a time:
    a flood of sign-ins queues here instead of taking every core from the server."""
    slots = ctx.caches.get("hash_slots")
    if slots is None:
        import os
        import threading  # green under eventlet: a waiting sign-in yields to other requests

        slots = ctx.caches.setdefault(
            "hash_slots", threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) - 1)))
    with slots:
        return ctx.db.offload(lambda: check_password_hash(stored, password))


def logout(ctx, token: str) -> None:
    """End one user token on the server, and the sockets it opened."""
    digest = token_digest(token)
    with ctx.db.write() as conn:
        stored_tokens.remove(conn, digest)
    forget_cached(ctx)
    ctx.revoke_sockets([token_room(digest)])


def forget_cached(ctx) -> None:
    """Drop this process's token cache (other processes' expire within ``auth_cache_s``; their
    sockets are closed through the message queue or their periodic re-check)."""
    ctx.caches.pop(AUTH_CACHE, None)


def token_room(digest: str) -> str:
    """The sockets opened with one token (every authenticated namespace joins it)."""
    return f"token:{digest}"


def principal_room(key: str) -> str:
    """The sockets of one user or device, whatever token opened them."""
    return f"principal:{key}"


def authenticate(ctx, token: str | None) -> Principal | None:
    """The principal a bearer token stands for, or None for an unknown or expired token."""
    if not token:
        return None
    digest = token_digest(token)
    return _auth_cache(ctx).get(digest, lambda: load_principal(ctx, digest))


def cached_principal(ctx, token: str) -> Principal | None:
    """The principal this process last loaded for ``token``, however old, without a query
    (None when it has not loaded it)."""
    return _auth_cache(ctx).peek(token_digest(token), stale_ok=True)


def _auth_cache(ctx) -> TtlCache:
    return ttl_cache(ctx, AUTH_CACHE, ctx.settings.auth_cache_s)


def load_principal(ctx, digest: str) -> Principal | None:
    now = ctx.clock()
    with ctx.db.read() as conn:
        row = stored_tokens.token_user(conn, digest)
        if row is not None:
            if row["expires_at"] <= now or not row["active"]:
                return None
            window_ids = stored_tokens.user_window_ids(conn, row["id"])
            scope = hall_tree.subtree_ids(ctx, row["hall_id"], conn) \
                if row["role"] in SUPERVISING and row["hall_id"] is not None else frozenset()
            return Principal("user", row["id"], row["role"], row["hall_id"], frozenset(window_ids),
                             row["display_name"] or row["username"], scope=scope)
        device = stored_devices.live_by_token(conn, digest)
    if device is None:
        return None
    window_ids = frozenset([device["window_id"]]) if device["window_id"] else frozenset()
    return Principal("device", device["id"], device["kind"], device["hall_id"], window_ids,
                     device["name"])


# ---- administration (CLI) ----------------------------------------------------------------

def _window_ids(conn, hall_id: int, numbers) -> list[int]:
    ids = []
    for number in numbers:
        window_id = stored_users.window_id(conn, hall_id, number)
        if window_id is None:
            raise DomainError("unknown_window", f"no window {number} in this hall")
        ids.append(window_id)
    return ids


def add_user(ctx, username, password, role, hall_id, window_numbers=(), display_name="",
             staff_no=None, photo: bytes | None = None) -> int:
    """Add a user, with an optional staff number (工号) and photo (see ``profiles``)."""
    if role not in ROLES:
        raise DomainError("invalid_request", f"role must be one of {', '.join(ROLES)}")
    if not username or len(password) < 8:
        raise DomainError("invalid_request", "a username and a password of 8+ characters")
    staff_no = profiles.check_staff_no(staff_no)
    if photo is not None:
        profiles.check_photo(photo)
    try:
        with ctx.db.write() as conn:
            if stored_users.user_id(conn, username) is not None:
                raise DomainError("user_exists", f"user {username} exists")
            window_ids = _window_ids(conn, hall_id, window_numbers)
            user_id = stored_users.add_user(
                conn, username=username, role=role,
                password_hash=generate_password_hash(password, ctx.settings.password_hash_method),
                hall_id=hall_id, display_name=display_name or username, active=True,
                created_at=ctx.clock(), staff_no=staff_no)
            stored_users.link_windows(conn, user_id, window_ids)
            if photo is not None:
                profiles.store_photo(conn, user_id, photo, ctx.clock())
    except IntegrityError:  # a racing insert: the unique username or (hall, staff number)
        if staff_no is None:
            raise DomainError("user_exists", f"user {username} exists")
        raise profiles.staff_no_taken()
    return user_id


def set_password(ctx, username, password) -> None:
    if len(password) < 8:
        raise DomainError("invalid_request", "a password of 8+ characters")
    with ctx.db.write() as conn:
        user_id = _known_user(conn, username)
        stored_users.update_user(conn, user_id, password_hash=generate_password_hash(
            password, ctx.settings.password_hash_method))
        stored_tokens.remove_users(conn, user_id)
    forget_cached(ctx)
    ctx.revoke_sockets([principal_room(f"user:{user_id}")])


def set_active(ctx, username: str, active: bool) -> None:
    """Disable a user (signed out everywhere, sockets closed, no new sign-in) or enable them."""
    with ctx.db.write() as conn:
        user_id = _known_user(conn, username)
        stored_users.update_user(conn, user_id, active=active)
        if not active:
            stored_tokens.remove_users(conn, user_id)
    if not active:
        forget_cached(ctx)
        ctx.revoke_sockets([principal_room(f"user:{user_id}")])


def _known_user(conn, username: str) -> int:
    user_id = stored_users.user_id(conn, username)
    if user_id is None:
        raise DomainError("unknown_user", f"no user {username}")
    return user_id


def list_users(ctx) -> list[dict]:
    with ctx.db.read() as conn:
        rows = stored_users.all_users(conn)
        numbers = stored_users.window_numbers_by_user(conn)
    return [
        {"username": r["username"], "role": r["role"], "hall_id": r["hall_id"],
         "windows": sorted(numbers.get(r["id"], [])), "active": r["active"],
         "name": r["display_name"], "staff_no": r["staff_no"], "photo": r["photo"]}
        for r in rows
    ]


def add_device(ctx, name, kind, hall_id, window_number=None, rotate=False) -> str:
    """Create a device (or, with ``rotate``, give an existing one a new token); returns the token."""
    if kind not in DEVICE_KINDS:
        raise DomainError("invalid_request", f"kind must be one of {', '.join(DEVICE_KINDS)}")
    if kind in WINDOW_DEVICE_KINDS and window_number is None:
        raise DomainError("invalid_request", f"a {kind} device belongs to a window (--window)")
    token = new_token()
    with ctx.db.write() as conn:
        window_id = _window_ids(conn, hall_id, [window_number])[0] if window_number else None
        existing = stored_devices.device_id(conn, hall_id, name)
        values = dict(kind=kind, window_id=window_id, token_hash=token_digest(token), revoked_at=None)
        if existing is not None:
            if not rotate:
                raise DomainError("device_exists", f"device {name} exists")
            stored_devices.update_device(conn, existing, **values)
        else:
            stored_devices.add(conn, name=name, hall_id=hall_id, created_at=ctx.clock(), **values)
    if existing is not None:  # the old token's sockets go with it
        forget_cached(ctx)
        ctx.revoke_sockets([principal_room(f"device:{existing}")])
    return token


def rotate_device(ctx, hall_id: int, name: str) -> str:
    """A new token for an existing device (the old one stops working); returns it."""
    with ctx.db.read() as conn:
        row = stored_devices.kind_and_window(conn, hall_id, name)
    if row is None:
        raise DomainError("unknown_device", f"no device {name}")
    return add_device(ctx, name, row.kind, hall_id, row.number, rotate=True)


def list_devices(ctx) -> list[dict]:
    with ctx.db.read() as conn:
        rows = stored_devices.all_devices(conn)
    return [
        {"name": r["name"], "kind": r["kind"], "hall_id": r["hall_id"], "window": r["window"],
         "revoked": r["revoked_at"] is not None,
         "last_seen_at": r["last_seen_at"].isoformat() if r["last_seen_at"] else None}
        for r in rows
    ]


def revoke_device(ctx, hall_id: int, name: str) -> None:
    """Revoke a device's token, and close the sockets it opened."""
    with ctx.db.write() as conn:
        device_id = stored_devices.device_id(conn, hall_id, name)
        if device_id is None:
            raise DomainError("unknown_device", f"no device {name}")
        stored_devices.update_device(conn, device_id, revoked_at=ctx.clock())
    forget_cached(ctx)
    ctx.revoke_sockets([principal_room(f"device:{device_id}")])
