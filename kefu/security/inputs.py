"""Input that never makes a 500: bytes no database column can hold are refused at the door.

PostgreSQL text cannot contain NUL (0x00); a NUL in a query string, a form field or a JSON string
(escaped as \\u0000) would otherwise fail deep inside a query. The refusal names the field.
"""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

_NUL = "\x00"


def _nul_in_json(value, path: str = "") -> str | None:
    if isinstance(value, str):
        return path or "body" if _NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if _NUL in str(key):
                return where
            found = _nul_in_json(item, where)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_in_json(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def nul_field(request: HttpRequest) -> str | None:
    """The name of the first field (query, form or JSON) holding a NUL character, or None."""
    if _NUL in request.path:
        return "path"
    for key, values in request.GET.lists():
        if _NUL in key or any(_NUL in v for v in values):
            return key.replace(_NUL, "")
    content_type = request.content_type or ""
    if request.method in {"POST", "PUT", "PATCH"}:
        if content_type.startswith("multipart/") or content_type == "application/x-www-form-urlencoded":
            for key, values in request.POST.lists():  # file contents may hold NUL; only fields are checked
                if _NUL in key or any(_NUL in v for v in values):
                    return key.replace(_NUL, "")
        elif request.body and (b"\x00" in request.body or b"\\u0000" in request.body.lower()):
            if b"\x00" in request.body:
                return "body"
            try:
                return _nul_in_json(json.loads(request.body)) or "body"
            except ValueError:
                return "body"
    return None


class InputGuardMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = nul_field(request)
        if field is None:
            return self.get_response(request)
        message = _("“%(field)s”含有不允许的控制字符（NUL）") % {"field": field}
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "errors": [{"field": field, "message": message}]},
                                status=400, json_dumps_params={"ensure_ascii": False})
        return render(request, "core/error.html", {"message": message, "status": 400}, status=400)
