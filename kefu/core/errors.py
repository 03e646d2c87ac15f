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


def clean_text(value: str | None, field: str, label: str, *, required: bool = True, limit: int = 5000) -> str:
    """Free text a person typed, stripped; an error naming the field when it is missing or too long."""
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"请填写{label}", field=field)
    if len(value) > limit:
        raise DomainError(f"{label}不能超过 {limit} 字", field=field)
    return value


def field_errors(exc) -> list[dict]:
    """A Django ValidationError (model full_clean, validators) as [{"field", "message"}] naming each field."""
    if hasattr(exc, "error_dict"):
        return [{"field": field, "message": str(message)}
                for field, errors in exc.error_dict.items() for error in errors for message in error]
    return [{"field": "body", "message": str(message)} for message in exc.messages]


# Which error statuses an operation can answer, and why. Every operation: bad input (400 from a domain
# rule, 422 from the schema), no or a bad token (401), a role or object the caller may not act on
# (403), too many requests (429, the rate limit). With a path parameter: the object is not there or not
# visible to the caller (404). Writes: someone changed the object first, or it exists already (409).
# An operation that looks objects up by ids given in its query or body (POST /tickets with customer_id)
# declares the extra statuses itself: `openapi_extra=answers(404)`.
ERROR_STATUSES = {
    400: "A rule of the domain refuses the request (the field is named in errors)",
    401: "Not signed in, or the token is invalid, expired or revoked",
    403: "The caller's role or relation to the object does not allow this",
    404: "No such object, or not visible to the caller",
    409: "Conflict: changed by someone else since it was read, or a duplicate",
    422: "The request does not match the schema (the field is named in errors)",
    429: "Too many requests: slow down and retry later",
}


EXTRA_ERRORS = "x-kefu-errors"  # read (and removed) by kefu.api when it writes the schema


def answers(*codes: int) -> dict:
    """openapi_extra of an operation that can answer more error statuses than the rule above gives it."""
    unknown = set(codes) - set(ERROR_STATUSES)
    if unknown:
        raise ValueError(f"no description for {sorted(unknown)} in ERROR_STATUSES")
    return {EXTRA_ERRORS: sorted(codes)}
