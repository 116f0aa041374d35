"""The one refusal type of the domain, and the error body every 4xx answer carries.

Services raise `DomainError` (or one of its status subclasses) when a request cannot be
honoured: it says what went wrong for machines (`code`), for people (`message`), with
`details` for the client to act on, and which HTTP status it maps to. Domain code never
imports the HTTP layer; the API (wangge/api/core.py) and the web pages translate the error
into their own answers.
"""

from typing import Any


class DomainError(Exception):
    """A refusal the client can act on; raised by services and HTTP handlers alike."""

    status = 400

    def __init__(self, code: str, message: str, details: Any = None, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        if status is not None:
            self.status = status


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details}
