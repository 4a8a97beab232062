"""Domain errors: one exception type carrying the contract's error code.

Every refusal the queue server gives (unknown service, quota exhausted, a ticket in the wrong
state, ...) is a ``DomainError``; the API maps it once to the JSON error shape
``{"error": {"code": ..., "message": ...}}`` with ``status`` as the HTTP status.
"""


class DomainError(Exception):
    """A refusal with a stable snake_case ``code``, a human ``message`` and an HTTP ``status``."""

    def __init__(self, code: str, message: str, status: int = 409, **details):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.details = details

    def __repr__(self):
        return f"DomainError({self.code!r}, {self.message!r}, {self.status})"


def invalid_request(message: str) -> DomainError:
    return DomainError("invalid_request", message, 400)


def not_found(code: str, message: str) -> DomainError:
    return DomainError(code, message, 404)
