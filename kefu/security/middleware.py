"""Request-wide security: two-factor set-up owed by the session's user, including a user promoted to a
role that requires it while signed in (noticed on their next request, not at their next sign-in)."""

from django.http import JsonResponse
from django.shortcuts import redirect

from kefu import policy
from kefu.accounts.views import SETUP_REQUIRED

from .services import ROLE_SEEN, role_mark, two_factor_confirmed

# What a user who owes the two-factor set-up may still open.
_OPEN_PREFIXES = ("/security/two-factor/", "/logout/", "/static/", "/i18n/", "/login/")


class TwoFactorSetupMiddleware:
    """A user whose role requires two-factor login, and who signed in without it, sets it up first."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None:
            _notice_role_change(request, session)
        if session is not None and session.get(SETUP_REQUIRED) and not request.path.startswith(_OPEN_PREFIXES):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "请先启用两步验证", "errors": []}, status=403,
                                    json_dumps_params={"ensure_ascii": False})
            return redirect("security:two_factor")
        return self.get_response(request)


def _notice_role_change(request, session) -> None:
    """No query unless the role changed since sign-in (the mark is written at sign-in)."""
    user = getattr(request, "user", None)
    seen = session.get(ROLE_SEEN)
    if seen is None or user is None or not user.is_authenticated or seen == role_mark(user):
        return
    session[ROLE_SEEN] = role_mark(user)
    if policy.requires_two_factor(user) and not two_factor_confirmed(user):
        session[SETUP_REQUIRED] = True
