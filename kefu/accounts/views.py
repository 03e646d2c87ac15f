"""Login: throttled by growing delays (never a lock-out), then a TOTP code for those who set one up."""

import time

from django.contrib.auth import login as auth_login
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from kefu.security import throttle
from kefu.security.audit import client_address, record
from kefu.security.models import EventKind, TotpDevice
from kefu.security.services import two_factor_owed

PENDING = "kefu_2fa_pending"  # session key: a user who gave the right password and owes a code
SETUP_REQUIRED = "kefu_2fa_setup_required"  # session key: logged in, must set up two-factor first


def too_many_attempts(view, form, wait: int):
    form.add_error(None, _("尝试次数过多，请 %(s)s 秒后再试。") % {"s": wait})
    response = view.render_to_response(view.get_context_data(form=form), status=429)
    response["Retry-After"] = str(wait)
    return response


class ThrottledLoginView(LoginView):
    """The workspace's and the admin's login form (both routed here)."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def _rules(self) -> list:
        return throttle.login_rules(self.request.POST.get("username", ""), client_address(self.request) or "")

    def post(self, request, *args, **kwargs):
        wait = throttle.wait_seconds(self._rules(), "login")
        if wait:
            record(EventKind.LOGIN_THROTTLED, username=request.POST.get("username", ""), request=request, wait=wait)
            return too_many_attempts(self, self.get_form(), wait)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.record_failure(self._rules(), "login")
        record(EventKind.LOGIN_FAILED, username=self.request.POST.get("username", ""), request=self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        throttle.clear(self._rules()[:1], "login")  # the pair only: a success must not clear a spray
        user = form.get_user()
        device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
        if device is not None:
            self.request.session.cycle_key()
            self.request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": time.time(),
                                             "next": self.get_success_url()}
            return redirect("security:verify")
        auth_login(self.request, user)
        record(EventKind.LOGIN, actor=user, subject=user, request=self.request, two_factor=False)
        if two_factor_owed(user):
            self.request.session[SETUP_REQUIRED] = True
            return redirect("security:two_factor")
        return redirect(self.get_success_url())
