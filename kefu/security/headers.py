"""Response headers every page gets: a Content-Security-Policy without inline scripts, and cookies
marked Secure whenever the request came over HTTPS (HSTS, nosniff, frame denial and Referrer-Policy
come from Django's SecurityMiddleware and XFrameOptionsMiddleware, configured in settings)."""

from django.conf import settings

# Styles keep 'unsafe-inline': style attributes cannot run code, and htmx adds its indicator style.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class SecurityHeadersMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.KEFU_CSP or CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME):
                if name in response.cookies:
                    response.cookies[name]["secure"] = True
        return response
