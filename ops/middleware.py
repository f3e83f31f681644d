from django.db import connection
from django.shortcuts import render

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


class QueryCountMiddleware:
    """
    For the benchmark only (shop.settings.comparison): X-DB-Queries, the
    database queries the request made, on every response, for wrk to add up
    (bench/run.py). First in MIDDLEWARE, so that it counts every query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):  # the shop has one database
            response = self.get_response(request)
        response["X-DB-Queries"] = str(count)
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


class UndecodableRequestMiddleware:
    """
    Answer 400 to a form whose body Django will not decode, before anything
    reads it.

    Django refuses a form body (application/x-www-form-urlencoded) in any
    charset but UTF-8 with BadRequest, but not once: every later read of
    request.POST raises again, and its own 400 and 500 views read it (their
    CSRF decorator does), so the request ended as gunicorn's bare 500,
    without the shop's headers and with a traceback in the log.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        charset = request.encoding
        if request.content_type == "application/x-www-form-urlencoded" and charset and charset.lower() != "utf-8":
            return render(request, "400.html", status=400)
        return self.get_response(request)
