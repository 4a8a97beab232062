"""Locking a user name after repeated failed sign-ins (issue 16, item 2).

After ``login_max_failures`` failed sign-ins in a row (within ``login_lockout_s`` of the first),
the name is locked for ``login_lockout_s``: every sign-in, even with the right password, is
answered 429 ``too_many_attempts`` with ``Retry-After``. Kept in the database, so every process
of the server shares it; unknown names are counted too (an attacker learns nothing from the
answers). The per-address limit is Flask-Limiter's (``api/limits.py``).
"""

import math
from datetime import timedelta

from queue_server.domain.errors import DomainError
from queue_server.storage import security as stored

MAX_NAME = 80  # the users.username column: a longer name is never a user's


def _countable(username: str) -> bool:
    if len(username) > MAX_NAME:
        return False
    try:
        username.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: not a name the database can hold
        return False
    return True


def check_not_locked(ctx, username: str) -> None:
    if not _countable(username):
        return
    with ctx.db.read() as conn:
        until = stored.locked_until(conn, username)
    now = ctx.clock()
    if until is not None and until > now:
        wait = max(1, math.ceil((until - now).total_seconds()))
        raise DomainError("too_many_attempts", "too many failed sign-ins for this name; try "
                          "again later", retry_after=wait)


def record_failure(ctx, username: str) -> None:
    if not _countable(username):
        return
    now = ctx.clock()
    window = timedelta(seconds=ctx.settings.login_lockout_s)
    with ctx.db.write() as conn:
        row = stored.login_failure(conn, username)
        if row is None:
            failures = 1
            stored.save_login_failures(conn, username, failures, now, new=True)
        else:
            fresh = row["first_at"] < now - window and (row["locked_until"] is None
                                                        or row["locked_until"] <= now)
            failures = 1 if fresh else row["failures"] + 1
            stored.save_login_failures(conn, username, failures,
                                       now if fresh else row["first_at"], new=False)
        if failures >= ctx.settings.login_max_failures:
            stored.lock_login(conn, username, now + window)


def record_success(ctx, username: str) -> None:
    with ctx.db.write() as conn:
        stored.forget_login_failures(conn, username)
