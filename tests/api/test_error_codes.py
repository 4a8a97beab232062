"""HTTP statuses come from error codes in one place (``api/errors.py``), not from the raisers.

The source is read for every ``DomainError`` / ``not_found`` / ``invalid_request`` it raises: each
code must be in the table; ``DomainError`` takes no status at all.
"""

import ast
from pathlib import Path

import pytest

from queue_server.api.errors import DEFAULT_STATUS, STATUS_BY_CODE, status_for
from queue_server.domain.errors import DomainError

ROOT = Path(__file__).resolve().parents[2]
# The server's code: queue_server, and the pages' blueprints of kiosk/ and display/ (the voice
# endpoint raises its own codes); the agents raise none.
SOURCES = [ROOT / "queue_server", ROOT / "kiosk" / "web.py", ROOT / "display" / "web.py"]


def _files():
    for source in SOURCES:
        yield from sorted(source.rglob("*.py")) if source.is_dir() else [source]


def _raised() -> list[tuple[str, str, int | None]]:
    """(where, code, status given or None) for every literal code raised in the package."""
    found = []
    for path in _files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            args, where = node.args, f"{path.relative_to(ROOT)}:{node.lineno}"
            if node.func.id == "invalid_request":
                found.append((where, "invalid_request", None))
            elif node.func.id == "DomainError" and len(args) > 2:
                found.append((where, "<a status passed to DomainError>", None))
            elif node.func.id in ("DomainError", "not_found") and args \
                    and isinstance(args[0], ast.Constant):
                found.append((where, args[0].value, 404 if node.func.id == "not_found" else None))
    return found


RAISED = _raised()


def test_the_source_raises_codes():
    assert len({code for _, code, _ in RAISED}) > 40  # the scan sees the raisers


@pytest.mark.parametrize("where,code,given", RAISED, ids=[w for w, _, _ in RAISED])
def test_every_raised_code_has_its_status_in_the_table(where, code, given):
    assert code in STATUS_BY_CODE, f"{where}: add {code!r} to api/errors.py"
    if given is not None:
        assert STATUS_BY_CODE[code] == given, f"{where} passes {given} for {code!r}"


def test_an_unlisted_code_is_a_refusal_of_the_state():
    assert status_for("something_new") == DEFAULT_STATUS == 409


def test_a_domain_error_keeps_no_status_of_its_own():
    error = DomainError("blacklisted", "no", number="A001")
    assert not hasattr(error, "status")
    assert (error.code, error.details) == ("blacklisted", {"number": "A001"})
    with pytest.raises(TypeError):
        DomainError("blacklisted", "no", 500)  # the status is the table's, not the raiser's


def test_the_api_answers_a_domain_error_with_the_tables_status(client):
    # An unknown hall is raised without any status: the table makes it a 404.
    response = client.get("/api/v1/halls/nowhere/services")
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "unknown_hall")
