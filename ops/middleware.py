from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.shortcuts import render

from .errors import service_unavailable, unavailable_service
from .workers import current_worker


class ServedByMiddleware:
    """
    Add X-Served-By: <host>:<worker pid> to every response, where
    SHOW_WORKER is on (the local stack); not installed elsewhere.
    """

    def __init__(self, get_response):
        if not settings.SHOW_WORKER:
            raise MiddlewareNotUsed("SHOW_WORKER is off: no response names its worker")
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["X-Served-By"] = current_worker()
        return response


class FixedPolicyCSPMiddleware(CSPMiddleware):
    """
    django-csp's middleware, with the shop's policy built once per process
    instead of twice per response (the policy and the report-only one: about
    30 microseconds, 3% of a logged-in JSON read). The shop's policy is
    fixed: no nonce, no view with a policy of its own, no report-only policy,
    no excluded prefix. A response that asks for any of these (a view
    decorated with csp_update, a template that reads request.csp_nonce), or
    settings that have them, or Django's debug pages, get the library's own
    handling: the shortcut changes no header.
    """

    PER_RESPONSE = (
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
    )

    def __init__(self, get_response):
        super().__init__(get_response)
        configured = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        variable = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or configured.get(
            "EXCLUDE_URL_PREFIXES"
        )
        # None, the library's way, for a policy that is empty (no header) or not fixed.
        self.fixed_policy = None if variable else build_policy() or None

    def process_response(self, request, response):
        if (
            self.fixed_policy is None
            or settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in self.PER_RESPONSE)
        ):
            return super().process_response(request, response)
        if HEADER not in response and not getattr(response, "_csp_exempt", False):
            response[HEADER] = self.fixed_policy
        # As the library does: a nonce asked for from now on would be in no header.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
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
        if (
            request.content_type == "application/x-www-form-urlencoded"
            and charset
            and charset.lower() != "utf-8"
        ):
            return render(request, "400.html", status=400)
        return self.get_response(request)
