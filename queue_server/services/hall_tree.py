"""Which halls lie below a hall, for the permission checks of managers and supervisors.

A manager or supervisor bound to a hall reaches that hall and its whole subtree (DOMAIN: the
city's 电子监察 watches every centre below it). The tree changes only with ``load-config``, which
calls ``forget`` in its own process; other processes see a new tree within ``TTL_S``, like the
hall directory. Only the sign-in of a manager or supervisor reads it (``accounts.load_principal``):
kiosks and staff are checked against their own hall alone, so the ticket-issue path never does.
"""

from queue_server.caching import ttl_cache
from queue_server.domain.network import subtree
from queue_server.services.directory import TTL_S
from queue_server.storage import network as store

_KEY = "hall_tree"


def subtree_ids(ctx, hall_id: int, conn=None) -> frozenset:
    """``hall_id`` and every hall below it. ``conn``: an open connection to read the tree with
    when the cache is cold (a caller already inside a transaction cannot open another)."""
    tree = _tree(ctx, conn)
    found = tree["subtrees"].get(hall_id)
    if found is None:
        found = frozenset(subtree(hall_id, tree["parents"]))
        tree["subtrees"][hall_id] = found
    return found


def forget(ctx) -> None:
    """Drop this process's copy of the tree (after ``load-config``)."""
    ctx.caches.pop(_KEY, None)


def _tree(ctx, conn) -> dict:
    def load() -> dict:
        if conn is not None:
            return {"parents": store.hall_parent_ids(conn), "subtrees": {}}
        with ctx.db.read() as own:
            return {"parents": store.hall_parent_ids(own), "subtrees": {}}

    return ttl_cache(ctx, _KEY, TTL_S, max_entries=1).get(_KEY, load)
