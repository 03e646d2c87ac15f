"""The REST API root (/api/v1/): authentication, error format, and each domain's router."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as ModelValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth

from kefu.accounts.services import token_user
from kefu.core.errors import ERROR_STATUSES, EXTRA_ERRORS, DomainError, RateLimited, field_errors
from kefu.core.schema import ErrorOut, FieldError
from kefu.security import throttle
from kefu.security.audit import client_address, record
from kefu.security.docs import docs_for_users
from kefu.security.models import EventKind


def _rate_limit(request, key: str) -> None:
    wait = throttle.rate_limited(key, settings.KEFU_API_RATE_LIMIT)
    if wait:
        raise RateLimited(wait)


class BearerToken(HttpBearer):
    """Authorization: Bearer <token>; the request then acts as the token's user.

    Bad tokens count as failed logins of the address (growing delays, 429); good ones are rate limited.
    """

    def authenticate(self, request, token: str):
        user = token_user(token)
        if user is None:
            # A valid token (32 random bytes) cannot be guessed, so only bad ones wait: a colleague
            # behind the same address as a noisy client keeps working, at no counter read per request.
            rules = throttle.address_rules(client_address(request) or "")
            wait = throttle.wait_seconds(rules, "token")
            if wait:
                raise RateLimited(wait, "无效令牌尝试过多，请稍后再试")
            throttle.record_failure(rules, "token")
            record(EventKind.TOKEN_FAILED, request=request, prefix=token[5:13])
            return None
        _rate_limit(request, f"token:{user.api_token.pk}")
        request.user = user
        return user


class RateLimitedSession(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            _rate_limit(request, f"user:{user.pk}")
        return user


class ReadableJSON(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # integrations read 投诉 rather than \u6295\u8bc9


def _statuses_of(path: str, method: str) -> list[int]:
    """The error statuses every operation declares (kefu.core.errors.ERROR_STATUSES says why)."""
    codes = [400, 401, 403, 422, 429]
    if "{" in path:
        codes.append(404)
    if method != "get":
        codes.append(409)
    return sorted(codes)


class KefuAPI(NinjaAPI):
    """Declares the error answers of every operation with their body, so generated clients and
    schema-driven tests (schemathesis) can rely on the schema."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["FieldError"] = FieldError.model_json_schema()
        components["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components["ErrorOut"].pop("$defs", None)
        body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                # ninja keys the responses a router declares by int: one key per status, as JSON has it.
                responses = {str(code): answer for code, answer in operation.get("responses", {}).items()}
                operation["responses"] = responses
                for code in sorted({*_statuses_of(path, method), *operation.pop(EXTRA_ERRORS, [])}):
                    responses.setdefault(str(code), {"description": ERROR_STATUSES[code], **body})
        return schema


api = KefuAPI(
    renderer=ReadableJSON(),
    title="Kefu API",
    version="1",
    description="Kefu 客服 REST API. Authenticate with `Authorization: Bearer <token>` "
    "(create one with `kefu token create USERNAME`).",
    auth=[BearerToken(), RateLimitedSession()],
    docs_decorator=docs_for_users,
    urls_namespace="api",
)


def _error(request, status: int, detail: str, errors: list[dict] | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors = []
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", []) if part not in ("body", "query", "path", "payload", "form")]
        errors.append({"field": ".".join(loc) or "body", "message": err.get("msg", "invalid")})
    return _error(request, 422, "请求参数有误", errors)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else []
    return _error(request, exc.status_code, exc.message, errors)


@api.exception_handler(ModelValidationError)
def on_model_validation_error(request, exc: ModelValidationError):
    """A model's own validation (full_clean) refused a value: 422 naming the field, never a 500."""
    errors = field_errors(exc)
    return _error(request, 422, errors[0]["message"] if errors else "请求参数有误", errors)


@api.exception_handler(RateLimited)
def on_rate_limited(request, exc: RateLimited):
    response = _error(request, 429, exc.message)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return _error(request, 403, str(exc) or "您没有权限执行此操作")


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, str(exc) or "对象不存在")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, "未登录或令牌无效")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return _error(request, exc.status_code, str(exc))


def _mount() -> None:
    from kefu.accounts.api import router as accounts_router
    from kefu.callbacks.api import router as callbacks_router
    from kefu.channels.email.api import router as email_router
    from kefu.channels.webchat.api import router as chat_router
    from kefu.complaints.api import reference as complaint_reference
    from kefu.complaints.api import router as complaints_router
    from kefu.customers.api import router as customers_router
    from kefu.phrases.api import router as phrases_router
    from kefu.qa.api import router as qa_router
    from kefu.ratings.api import router as ratings_router
    from kefu.reports.api import router as reports_router
    from kefu.sla.api import catalog as sla_catalog
    from kefu.sla.api import router as sla_router
    from kefu.surveys.api import router as surveys_router
    from kefu.tickets.api import reference as ticket_reference
    from kefu.tickets.api import router as tickets_router

    api.add_router("/", accounts_router)
    api.add_router("/customers", customers_router)
    api.add_router("/tickets", tickets_router)
    api.add_router("/phrases", phrases_router)
    api.add_router("/calendar", sla_router)
    api.add_router("/complaints", complaints_router)
    api.add_router("/qa", qa_router)
    api.add_router("/channels", email_router)
    api.add_router("/chat", chat_router)
    api.add_router("/", surveys_router)
    api.add_router("/ratings", ratings_router)
    api.add_router("/reports", reports_router)
    api.add_router("/callbacks", callbacks_router)
    api.add_router("/", ticket_reference)
    api.add_router("/", complaint_reference)
    api.add_router("/sla", sla_catalog)


_mount()
