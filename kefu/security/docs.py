"""The API docs and schema: for signed-in users (session or bearer token) unless KEFU_PUBLIC_API_DOCS."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse

from kefu.accounts.services import token_user


def docs_for_users(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if settings.KEFU_PUBLIC_API_DOCS or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer ") and token_user(header[7:].strip()) is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse({"detail": "未登录或令牌无效", "errors": []}, status=401,
                                json_dumps_params={"ensure_ascii": False})
        return redirect_to_login(request.get_full_path())

    return wrapper
