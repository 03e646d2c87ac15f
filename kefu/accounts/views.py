from django.conf import settings
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.utils.translation import gettext as _


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


class RateLimitedLoginView(LoginView):
    """Login that locks a username+address pair after repeated failures (brute-force protection)."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def _key(self) -> str:
        username = (self.request.POST.get("username") or "").lower()[:150]
        return f"login-fail:{_client_ip(self.request)}:{username}"

    def post(self, request, *args, **kwargs):
        if cache.get(self._key(), 0) >= settings.KEFU_LOGIN_MAX_ATTEMPTS:
            form = self.get_form()
            minutes = max(1, settings.KEFU_LOGIN_LOCK_SECONDS // 60)
            form.add_error(None, _("登录失败次数过多，请 %(m)s 分钟后再试。") % {"m": minutes})
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        key = self._key()
        cache.add(key, 0, settings.KEFU_LOGIN_LOCK_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, settings.KEFU_LOGIN_LOCK_SECONDS)
        return super().form_invalid(form)

    def form_valid(self, form):
        cache.delete(self._key())
        return super().form_valid(form)
