"""Request-wide security: two-factor set-up owed by the session's user."""

from django.http import JsonResponse
from django.shortcuts import redirect

from kefu.accounts.views import SETUP_REQUIRED

# What a user who owes the two-factor set-up may still open.
_OPEN_PREFIXES = ("/security/two-factor/", "/logout/", "/static/", "/i18n/", "/login/")


class TwoFactorSetupMiddleware:
    """A user whose role requires two-factor login, and who signed in without it, sets it up first."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SETUP_REQUIRED) and not request.path.startswith(_OPEN_PREFIXES):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "请先启用两步验证", "errors": []}, status=403,
                                    json_dumps_params={"ensure_ascii": False})
            return redirect("security:two_factor")
        return self.get_response(request)
