"""The storage layer owns the SQL (issue 14, item 3): services call named functions of
``queue_server.storage`` instead of building statements, and storage depends on nothing of the
project but the domain.

Checked on the source (imports and calls), so a service that starts building a query again, or a
storage module that reaches into the services, fails here.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "queue_server"
# Services still building their own statements (none: accounts and network moved last).
NOT_MOVED_YET: set[str] = set()


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported_modules(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _executes(tree: ast.Module) -> bool:
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr in ("execute", "exec_driver_sql")
               for node in ast.walk(tree))


SERVICES = sorted(p for p in (PACKAGE / "services").glob("*.py") if p.name not in NOT_MOVED_YET)
STORAGE = sorted((PACKAGE / "storage").glob("*.py"))


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_a_service_builds_no_sql(path):
    tree = _tree(path)
    builders = {m for m in _imported_modules(tree)
                if m.startswith("sqlalchemy") and m != "sqlalchemy.exc"}
    tables = {m for m in _imported_modules(tree) if m.endswith("_models") or m.endswith(".models")}
    assert not builders, f"{path.name} imports SQL builders {builders}: add a storage function"
    assert not tables, f"{path.name} imports tables {tables}: add a storage function"
    assert not _executes(tree), f"{path.name} executes statements itself"


@pytest.mark.parametrize("path", STORAGE, ids=lambda p: p.name)
def test_storage_imports_only_the_domain_and_itself(path):
    project = {m for m in _imported_modules(_tree(path)) if m.startswith("queue_server")}
    outside = {m for m in project
               if not m.startswith(("queue_server.storage", "queue_server.domain"))}
    assert not outside, f"storage/{path.name} imports {outside}"
