"""Users, devices and bearer tokens, and who may do what.

Passwords are stored with a slow hash (scrypt via Werkzeug); bearer tokens, for users and devices
alike, are random and stored only as their SHA-256. A token lookup is cached for a few seconds
(``auth_cache_s``): a revoked device or user stops working within that time in every process.

Device tokens never expire. A ``caller`` device (a window's caller keypad) belongs to one window
and works its window actions on behalf of whoever is signed in there (``counter.window_actor``).
"""

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from queue_server.domain.errors import DomainError
from queue_server.services import profiles
from queue_server.storage.models import (
    api_tokens,
    devices,
    user_photos,
    user_windows,
    users,
    windows,
)

ROLES = ("staff", "manager", "admin")
DEVICE_KINDS = ("kiosk", "display", "led", "evaluator", "caller")
WINDOW_DEVICE_KINDS = ("evaluator", "caller")  # each belongs to one window
_DUMMY_HASH = generate_password_hash("not a password")


@dataclass(frozen=True)
class Principal:
    """Who is calling: a signed-in user or a device, with what they may touch."""

    kind: str  # "user" or "device"
    id: int
    role: str  # staff / manager / admin for users; the device kind for devices
    hall_id: int | None
    window_ids: frozenset = field(default_factory=frozenset)
    name: str = ""
    # A user acting through a window's caller device: the device, recorded with the user.
    via_device_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def user_id(self) -> int | None:
        return self.id if self.kind == "user" else None

    @property
    def device_id(self) -> int | None:
        return self.id if self.kind == "device" else self.via_device_id

    def is_user(self, *roles) -> bool:
        return self.kind == "user" and self.role in roles

    def is_device(self, kind: str) -> bool:
        return self.kind == "device" and self.role == kind


def unauthenticated() -> DomainError:
    return DomainError("unauthenticated", "a valid bearer token is required", 401)


def forbidden(message: str = "not allowed for this account") -> DomainError:
    return DomainError("forbidden", message, 403)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


# ---- permissions -------------------------------------------------------------------------

def require_hall_manager(principal: Principal | None, hall_id: int) -> None:
    if principal is None:
        raise unauthenticated()
    if principal.is_user("admin") or (principal.is_user("manager") and principal.hall_id == hall_id):
        return
    raise forbidden("only the hall's managers may do this")


def require_window_actor(principal: Principal | None, hall_id: int, window_id: int) -> None:
    """Staff of that window, a manager of the hall, or an admin."""
    if principal is None:
        raise unauthenticated()
    if principal.is_user("staff") and principal.hall_id == hall_id and window_id in principal.window_ids:
        return
    require_hall_manager(principal, hall_id)


def require_ticket_issuer(principal: Principal | None, hall_id: int) -> None:
    """A kiosk device of the hall, or a staff member or manager of the hall, or an admin."""
    if principal is None:
        raise unauthenticated()
    if principal.is_device("kiosk") and principal.hall_id == hall_id:
        return
    if principal.is_user("staff", "manager") and principal.hall_id == hall_id:
        return
    if principal.is_user("admin"):
        return
    raise forbidden("only the hall's kiosks and staff may issue tickets")


# ---- authentication ----------------------------------------------------------------------

def login(ctx, username, password) -> dict:
    if not isinstance(username, str) or not isinstance(password, str):
        raise DomainError("invalid_request", "username and password must be strings", 400)
    with ctx.db.read() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).mappings().first()
    if row is None or not row["active"]:
        check_password_hash(_DUMMY_HASH, password)  # same time for unknown names
        raise DomainError("invalid_credentials", "wrong username or password", 401)
    if not check_password_hash(row["password_hash"], password):
        raise DomainError("invalid_credentials", "wrong username or password", 401)
    token = new_token()
    now = ctx.clock()
    with ctx.db.write() as conn:
        conn.execute(delete(api_tokens).where(api_tokens.c.expires_at < now))
        conn.execute(
            insert(api_tokens).values(
                token_hash=token_digest(token), user_id=row["id"], created_at=now,
                expires_at=now + timedelta(hours=ctx.settings.token_ttl_hours),
            )
        )
    return {"token": token, "role": row["role"], "expires_in": ctx.settings.token_ttl_hours * 3600}


def authenticate(ctx, token: str | None) -> Principal | None:
    """The principal a bearer token stands for, or None for an unknown or expired token."""
    if not token:
        return None
    digest = token_digest(token)
    cache = ctx.caches.setdefault("auth", {})
    hit = cache.get(digest)
    if hit is not None and time.monotonic() - hit[1] < ctx.settings.auth_cache_s:
        return hit[0]
    principal = _load_principal(ctx, digest)
    if len(cache) > 10000:
        cache.clear()
    cache[digest] = (principal, time.monotonic())
    return principal


def _load_principal(ctx, digest: str) -> Principal | None:
    now = ctx.clock()
    with ctx.db.read() as conn:
        row = conn.execute(
            select(users, api_tokens.c.expires_at)
            .join(api_tokens, api_tokens.c.user_id == users.c.id)
            .where(api_tokens.c.token_hash == digest)
        ).mappings().first()
        if row is not None:
            if row["expires_at"] <= now or not row["active"]:
                return None
            window_ids = conn.execute(
                select(user_windows.c.window_id).where(user_windows.c.user_id == row["id"])
            ).scalars()
            return Principal("user", row["id"], row["role"], row["hall_id"], frozenset(window_ids),
                             row["display_name"] or row["username"])
        device = conn.execute(
            select(devices).where(devices.c.token_hash == digest, devices.c.revoked_at.is_(None))
        ).mappings().first()
    if device is None:
        return None
    window_ids = frozenset([device["window_id"]]) if device["window_id"] else frozenset()
    return Principal("device", device["id"], device["kind"], device["hall_id"], window_ids,
                     device["name"])


# ---- administration (CLI) ----------------------------------------------------------------

def _window_ids(conn, hall_id: int, numbers) -> list[int]:
    ids = []
    for number in numbers:
        window_id = conn.execute(
            select(windows.c.id).where(windows.c.hall_id == hall_id, windows.c.number == number)
        ).scalar()
        if window_id is None:
            raise DomainError("unknown_window", f"no window {number} in this hall", 404)
        ids.append(window_id)
    return ids


def add_user(ctx, username, password, role, hall_id, window_numbers=(), display_name="",
             staff_no=None, photo: bytes | None = None) -> int:
    """Add a user, with an optional staff number (工号) and photo (see ``profiles``)."""
    if role not in ROLES:
        raise DomainError("invalid_request", f"role must be one of {', '.join(ROLES)}", 400)
    if not username or len(password) < 8:
        raise DomainError("invalid_request", "a username and a password of 8+ characters", 400)
    staff_no = profiles.check_staff_no(staff_no)
    if photo is not None:
        profiles.check_photo(photo)
    try:
        with ctx.db.write() as conn:
            if conn.execute(select(users.c.id).where(users.c.username == username)).first():
                raise DomainError("user_exists", f"user {username} exists", 409)
            window_ids = _window_ids(conn, hall_id, window_numbers)
            user_id = conn.execute(
                insert(users).values(
                    username=username, role=role,
                    password_hash=generate_password_hash(password,
                                                         ctx.settings.password_hash_method),
                    hall_id=hall_id, display_name=display_name or username, active=True,
                    created_at=ctx.clock(), staff_no=staff_no,
                ).returning(users.c.id)
            ).scalar_one()
            for window_id in window_ids:
                conn.execute(insert(user_windows).values(user_id=user_id, window_id=window_id))
            if photo is not None:
                profiles.store_photo(conn, user_id, photo, ctx.clock())
    except IntegrityError:  # a racing insert: the unique username or (hall, staff number)
        if staff_no is None:
            raise DomainError("user_exists", f"user {username} exists", 409)
        raise profiles.staff_no_taken()
    return user_id


def set_password(ctx, username, password) -> None:
    if len(password) < 8:
        raise DomainError("invalid_request", "a password of 8+ characters", 400)
    with ctx.db.write() as conn:
        user_id = conn.execute(select(users.c.id).where(users.c.username == username)).scalar()
        if user_id is None:
            raise DomainError("unknown_user", f"no user {username}", 404)
        conn.execute(
            update(users).where(users.c.id == user_id)
            .values(password_hash=generate_password_hash(password,
                                                         ctx.settings.password_hash_method))
        )
        conn.execute(delete(api_tokens).where(api_tokens.c.user_id == user_id))


def list_users(ctx) -> list[dict]:
    with ctx.db.read() as conn:
        rows = conn.execute(
            select(users, user_photos.c.content_type.label("photo"))
            .outerjoin(user_photos, user_photos.c.user_id == users.c.id)
            .order_by(users.c.username)).mappings().all()
        links = conn.execute(
            select(user_windows.c.user_id, windows.c.number)
            .join(windows, windows.c.id == user_windows.c.window_id)
        ).all()
    numbers: dict[int, list[int]] = {}
    for user_id, number in links:
        numbers.setdefault(user_id, []).append(number)
    return [
        {"username": r["username"], "role": r["role"], "hall_id": r["hall_id"],
         "windows": sorted(numbers.get(r["id"], [])), "active": r["active"],
         "name": r["display_name"], "staff_no": r["staff_no"], "photo": r["photo"]}
        for r in rows
    ]


def add_device(ctx, name, kind, hall_id, window_number=None, rotate=False) -> str:
    """Create a device (or, with ``rotate``, give an existing one a new token); returns the token."""
    if kind not in DEVICE_KINDS:
        raise DomainError("invalid_request", f"kind must be one of {', '.join(DEVICE_KINDS)}", 400)
    if kind in WINDOW_DEVICE_KINDS and window_number is None:
        raise DomainError("invalid_request", f"a {kind} device belongs to a window (--window)",
                          400)
    token = new_token()
    with ctx.db.write() as conn:
        window_id = _window_ids(conn, hall_id, [window_number])[0] if window_number else None
        existing = conn.execute(
            select(devices.c.id).where(devices.c.hall_id == hall_id, devices.c.name == name)
        ).scalar()
        values = dict(kind=kind, window_id=window_id, token_hash=token_digest(token), revoked_at=None)
        if existing is not None:
            if not rotate:
                raise DomainError("device_exists", f"device {name} exists", 409)
            conn.execute(update(devices).where(devices.c.id == existing).values(**values))
        else:
            conn.execute(insert(devices).values(name=name, hall_id=hall_id, created_at=ctx.clock(),
                                                **values))
    return token


def list_devices(ctx) -> list[dict]:
    with ctx.db.read() as conn:
        rows = conn.execute(
            select(devices, windows.c.number.label("window"))
            .outerjoin(windows, windows.c.id == devices.c.window_id)
            .order_by(devices.c.hall_id, devices.c.name)
        ).mappings().all()
    return [
        {"name": r["name"], "kind": r["kind"], "hall_id": r["hall_id"], "window": r["window"],
         "revoked": r["revoked_at"] is not None,
         "last_seen_at": r["last_seen_at"].isoformat() if r["last_seen_at"] else None}
        for r in rows
    ]


def revoke_device(ctx, hall_id: int, name: str) -> None:
    with ctx.db.write() as conn:
        result = conn.execute(
            update(devices).where(devices.c.hall_id == hall_id, devices.c.name == name)
            .values(revoked_at=ctx.clock())
        )
        if result.rowcount == 0:
            raise DomainError("unknown_device", f"no device {name}", 404)
