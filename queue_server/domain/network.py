"""A city's service network: hall levels, the tree of halls and who sees which subtree.

Levels from the top: the city centre (市政务服务中心); branch centres (分中心) and county centres
(县区政务服务中心) under it; town (乡镇/街道) 便民服务中心; community (社区) centres and village
(村) 代办点 at the bottom. A child's level must be lower than its parent's: a county under the
city, a town under a county, a village under a town; never a county under a branch centre (both
sit just below the city). A hall without a level (an old configuration) is not checked.
Standard library only.
"""

from dataclasses import dataclass

from queue_server.domain.errors import invalid_request

LEVELS = ("city", "branch", "county", "town", "community", "village")
# Depth below the city: equal ranks are siblings' levels, never parent and child.
RANK = {"city": 0, "branch": 1, "county": 1, "town": 2, "community": 3, "village": 3}
LEVEL_NAMES = {"city": "市级政务服务中心", "branch": "分中心", "county": "县区政务服务中心",
               "town": "乡镇(街道)便民服务中心", "community": "社区便民服务站",
               "village": "村代办点"}


@dataclass(frozen=True)
class HallNode:
    """One hall of the tree; ``where`` says where it was defined (``"hall.yaml, line 12"``),
    for error messages, or is empty for a hall already stored."""

    code: str
    level: str | None = None
    parent: str | None = None
    where: str = ""


def validate_level(level, where: str = "") -> str | None:
    if level is None:
        return None
    if level not in RANK:
        raise invalid_request(f"{where}level {level!r} is not one of {', '.join(LEVELS)}")
    return level


def check_tree(nodes: list[HallNode]) -> None:
    """Refuse an unknown parent, a hall that is its own ancestor, or a level that does not go
    down; the message names the hall and where it was defined."""
    by_code = {n.code: n for n in nodes}
    for node in nodes:
        validate_level(node.level, _prefix(node))
        if node.parent is None:
            continue
        parent = by_code.get(node.parent)
        if parent is None:
            raise invalid_request(f"{_prefix(node)}hall {node.code}: parent {node.parent!r} "
                                  "is not a hall (neither in the file nor already loaded)")
        if node.level and parent.level and RANK[node.level] <= RANK[parent.level]:
            raise invalid_request(
                f"{_prefix(node)}hall {node.code}: a {node.level} hall cannot be under "
                f"{parent.code} ({parent.level}): levels go down from "
                f"{' > '.join(LEVELS)}")
    for node in nodes:
        _refuse_cycle(node, by_code)


def _refuse_cycle(node: HallNode, by_code: dict) -> None:
    seen, current = [node.code], node
    while current.parent is not None:
        if current.parent == node.code:
            raise invalid_request(f"{_prefix(node)}hall {node.code}: the parents form a cycle "
                                  f"({' → '.join(seen + [node.code])})")
        if current.parent in seen:
            return  # a cycle further up, reported from one of its own halls
        seen.append(current.parent)
        current = by_code[current.parent]


def _prefix(node: HallNode) -> str:
    return f"{node.where}: " if node.where else ""


def ancestors(code: str, parents: dict) -> list[str]:
    """The halls above ``code``, nearest first (``parents`` maps a code to its parent's)."""
    chain, current = [], parents.get(code)
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def is_within(hall: str, root: str, parents: dict) -> bool:
    """``hall`` is ``root`` or a hall below it."""
    return hall == root or root in ancestors(hall, parents)


def subtree(root: str, parents: dict) -> list[str]:
    """``root`` and every hall below it."""
    return [code for code in parents if is_within(code, root, parents)] or [root]


def tree_order(parents: dict) -> list[str]:
    """Every hall, depth first: each top hall, then the halls below it (by code)."""
    children: dict = {}
    for code, parent in sorted(parents.items()):
        children.setdefault(parent if parent in parents else None, []).append(code)
    order: list[str] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        code = stack.pop()
        order.append(code)
        stack.extend(reversed(children.get(code, [])))
    return order


def in_scope(role: str, own_hall: str | None, hall: str, parents: dict) -> bool:
    """May someone of ``role`` bound to ``own_hall`` see ``hall``? An admin sees everything;
    a manager or supervisor their hall's subtree; anyone else only their own hall."""
    if role == "admin":
        return True
    if own_hall is None:
        return False
    if role in ("manager", "supervisor"):
        return is_within(hall, own_hall, parents)
    return hall == own_hall
