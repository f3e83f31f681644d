from .errors import service_unavailable, unavailable_service
from .workers import current_worker


class ServedByMiddleware:
    """Add X-Served-By: <host>:<worker pid> to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["X-Served-By"] = current_worker()
        return response


class ServiceUnavailableMiddleware:
    """
    Answer 503 when a view cannot reach Redis or the database.

    A dependency that is down is not a bug in the view: the visitor gets a
    page that says what is wrong and to retry, not a 500, and nothing is
    treated as missing (a session that cannot be read is not "logged out").
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        service = unavailable_service(exception)
        if service is None:
            return None
        return service_unavailable(request, service=service, error=exception)
