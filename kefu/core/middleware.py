from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import translation

from .errors import DomainError, Forbidden, field_errors


class DomainErrorMiddleware:
    """Pages: a refused action (role or state) becomes a 403/400 page instead of a server error."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError) and not request.path.startswith("/api/"):
            status = 403 if isinstance(exception, Forbidden) else exception.status_code
            return render(request, "core/error.html", {"message": exception.message, "status": status},
                          status=status)
        if isinstance(exception, ValidationError) and not request.path.startswith("/api/"):
            # A model's own validation refused a value a form let through: name the field, not a 500.
            message = "; ".join(f"{e['field']}: {e['message']}" for e in field_errors(exception))
            return render(request, "core/error.html", {"message": message, "status": 400}, status=400)
        return None


class DefaultLanguageMiddleware:
    """Simplified Chinese unless the user picked another language (cookie), whatever the browser asks for.

    Kefu is Chinese-first: an English-language browser on the department's PC should still get the Chinese
    workspace until someone switches. Replaces Django's LocaleMiddleware, which follows Accept-Language.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()  # the thread goes back to the default for whatever it runs next
        response.headers.setdefault("Content-Language", language)
        return response
