from django.shortcuts import render

from .errors import DomainError, Forbidden


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
        return None
