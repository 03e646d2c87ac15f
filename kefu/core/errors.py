"""Domain errors raised by services; views and the API turn them into messages and 4xx bodies."""


class DomainError(Exception):
    """A rule of the domain forbids the action (wrong state, bad input). Maps to HTTP 400."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class Conflict(DomainError):
    """Someone else changed the object since it was read (optimistic locking). HTTP 409."""

    status_code = 409


class RateLimited(Exception):
    """Too many requests or failed attempts: HTTP 429 with Retry-After (seconds)."""

    def __init__(self, retry_after: int, message: str = "请求过于频繁，请稍后再试") -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.message = message


class Forbidden(DomainError):
    """The actor's role or relation to the object does not allow the action. HTTP 403."""

    status_code = 403


def field_errors(exc) -> list[dict]:
    """A Django ValidationError (model full_clean, validators) as [{"field", "message"}] naming each field."""
    if hasattr(exc, "error_dict"):
        return [{"field": field, "message": str(message)}
                for field, errors in exc.error_dict.items() for error in errors for message in error]
    return [{"field": "body", "message": str(message)} for message in exc.messages]
