"""Limits on real-name ticket issuing against ticket touts (号贩子), issue 16 item 12.

Counted from the tickets table inside the issuing transaction, so every process of a hall sees
the same figures: at most ``realname_kiosk_limit`` real-name tickets per kiosk and
``realname_hall_limit`` per hall within ``realname_window_s``. A refusal is a 429 with
``Retry-After``, and raises an ``issue_burst`` supervision alert for the hall's managers.
"""

from datetime import timedelta

from queue_server.domain.errors import DomainError
from queue_server.storage.tickets import real_name_count


class RealNameBurst(Exception):
    def __init__(self, scope: str, count: int):
        super().__init__(scope)
        self.scope = scope
        self.count = count


def check_real_name_rate(ctx, conn, principal, hall, now) -> None:
    """Raise ``RealNameBurst`` when one more real-name ticket would pass a limit."""
    settings = ctx.settings
    since = now - timedelta(seconds=settings.realname_window_s)
    if principal.is_device("kiosk"):
        count = real_name_count(conn, hall.id, since, principal.device_id)
        if count >= settings.realname_kiosk_limit:
            raise RealNameBurst("kiosk", count)
    count = real_name_count(conn, hall.id, since)
    if count >= settings.realname_hall_limit:
        raise RealNameBurst("hall", count)


def refuse_burst(ctx, principal, hall, burst: RealNameBurst) -> DomainError:
    """Raise the supervision alert; returns the 429 to answer."""
    from queue_server.services import supervisor

    supervisor.raise_issue_burst(ctx, hall.id, burst.scope, burst.count,
                                 principal.device_id if burst.scope == "kiosk" else None)
    return DomainError("rate_limited", "too many real-name tickets in a short time; please ask "
                       "the hall's staff", retry_after=int(ctx.settings.realname_window_s))
