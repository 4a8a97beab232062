"""Domain errors: one exception type carrying the contract's error code.

Every refusal the queue server gives (unknown service, quota exhausted, a ticket in the wrong
state, ...) is a ``DomainError`` with a stable code. What a code means on the wire is decided
at the edges, once: the API maps it to the JSON error shape ``{"error": {"code": ...,
"message": ...}}`` with the HTTP status of ``api/errors.py``'s table, and Socket.IO refusals
carry the same code.
"""


class DomainError(Exception):
    """A refusal with a stable snake_case ``code``, a human ``message`` and ``details``; no
    HTTP status (not the domain's business: ``api/errors.py`` maps codes to statuses)."""

    def __init__(self, code: str, message: str, **details):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def __repr__(self):
        return f"DomainError({self.code!r}, {self.message!r})"


def invalid_request(message: str) -> DomainError:
    return DomainError("invalid_request", message)


def not_found(code: str, message: str) -> DomainError:
    """An unknown thing (``unknown_hall``, ``unknown_case``, …): every such code is a 404."""
    return DomainError(code, message)
