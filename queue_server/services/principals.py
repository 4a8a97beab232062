"""Who is calling (``Principal``) and what they may touch: the one permission check of every
hall endpoint, re-exported by ``accounts`` (where the rest of the project asks).

The rule (docs/NETWORK.md): admins reach every hall. A manager or supervisor reaches the hall
they were added to and every hall below it in the tree (its subtree, ``hall_tree``), never a
hall beside or above it; managers act there, supervisors only watch (floor, figures, alerts,
reports: 电子监察), never operate a window or issue a ticket. Staff and devices reach their own
hall only, so their checks need no tree.
"""

from dataclasses import dataclass, field

from queue_server.domain.errors import DomainError

ROLES = ("staff", "manager", "supervisor", "admin")
# Bound to a subtree of the hall tree: managers act there, supervisors only watch.
SUPERVISING = ("manager", "supervisor")


@dataclass(frozen=True)
class Principal:
    """Who is calling: a signed-in user or a device, with what they may touch."""

    kind: str  # "user" or "device"
    id: int
    role: str  # staff / manager / supervisor / admin for users; the device kind for devices
    hall_id: int | None
    window_ids: frozenset = field(default_factory=frozenset)
    name: str = ""
    # A user acting through a window's caller device: the device, recorded with the user.
    via_device_id: int | None = None
    # A manager's or supervisor's halls: their own and every hall below it (``hall_tree``).
    scope: frozenset = field(default_factory=frozenset)

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

    def reaches(self, hall_id: int) -> bool:
        """Admins reach every hall, managers and supervisors their subtree, others their hall."""
        return self.is_user("admin") or hall_id == self.hall_id or hall_id in self.scope


def unauthenticated() -> DomainError:
    return DomainError("unauthenticated", "a valid bearer token is required")


def forbidden(message: str = "not allowed for this account") -> DomainError:
    return DomainError("forbidden", message)


def unauthenticated() -> DomainError:
    return DomainError("unauthenticated", "a valid bearer token is required")


def forbidden(message: str = "not allowed for this account") -> DomainError:
    return DomainError("forbidden", message)


# ---- permissions -------------------------------------------------------------------------

def require_in_scope(principal: Principal | None, hall_id: int, roles=("manager",),
                     message: str = "only the hall's managers may do this") -> None:
    """The one scope check of every hall endpoint: an admin, or a user of one of ``roles`` who
    reaches the hall (``Principal.reaches``: a manager's or supervisor's subtree, anyone else's
    own hall). 401 without a principal, 403 ``forbidden`` otherwise."""
    if principal is None:
        raise unauthenticated()
    if principal.is_user("admin") or (principal.is_user(*roles) and principal.reaches(hall_id)):
        return
    raise forbidden(message)


def require_hall_manager(principal: Principal | None, hall_id: int) -> None:
    """A manager of the hall or of a hall above it, or an admin: who may change things."""
    require_in_scope(principal, hall_id)


def require_hall_watcher(principal: Principal | None, hall_id: int) -> None:
    """Who may watch a hall (floor, figures, alerts, reports): its managers and supervisors."""
    require_in_scope(principal, hall_id, SUPERVISING,
                     "only the hall's managers and supervisors may see this")


def require_window_actor(principal: Principal | None, hall_id: int, window_id: int) -> None:
    """Staff of that window, a manager of the hall (or above it), or an admin."""
    if principal is not None and principal.is_user("staff") and principal.hall_id == hall_id \
            and window_id in principal.window_ids:
        return
    require_hall_manager(principal, hall_id)


def require_ticket_issuer(principal: Principal | None, hall_id: int) -> None:
    """A kiosk device or a staff member of the hall (their own hall only: no tree is read on
    this hot path), a manager of the hall or above it, or an admin. Never a supervisor."""
    if principal is not None and (principal.is_device("kiosk") or principal.is_user("staff")) \
            and principal.hall_id == hall_id:
        return
    require_in_scope(principal, hall_id, message="only the hall's kiosks and staff may issue "
                     "tickets")
