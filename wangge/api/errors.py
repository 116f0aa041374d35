"""One error body for every 4xx: {"code", "message", "details"}."""

from typing import Any


class ApiError(Exception):
    """A refusal the client can act on; raised by handlers and services alike."""

    status = 400

    def __init__(self, code: str, message: str, details: Any = None, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        if status is not None:
            self.status = status


class NotFound(ApiError):
    status = 404


class Forbidden(ApiError):
    status = 403


class Conflict(ApiError):
    status = 409


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details}
