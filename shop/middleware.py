from django.db import InterfaceError, OperationalError
from redis.exceptions import RedisError

from .workers import current_worker
from .errors import service_unavailable


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
        if isinstance(exception, RedisError):
            return service_unavailable(request, service="redis", error=exception)
        if isinstance(exception, (OperationalError, InterfaceError)):
            return service_unavailable(request, service="database", error=exception)
        return None
