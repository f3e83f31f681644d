"""
Pages for what goes wrong: a dependency that does not answer (503), and a
404 that must not turn into a 500 when a dependency is down.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.views import defaults

from .redis_cluster import REDIS_FAILURES

logger = logging.getLogger(__name__)

_UNAVAILABLE_MESSAGES = {
    "redis": "We can't reach the session store right now.",
    "database": "We can't reach the database right now.",
}


def unavailable_service(error: BaseException) -> str | None:
    """Which dependency an exception says is unreachable ("redis", "database"), or None."""
    if isinstance(error, REDIS_FAILURES):
        return "redis"
    if isinstance(error, (OperationalError, InterfaceError)):
        return "database"
    return None


def service_unavailable(request, *, service, error):
    """
    The 503 page for a dependency ("redis" or "database") that does not answer.

    Called from middleware and error handlers, never routed. Its template must
    not touch the session, the user or the cart: those are what just failed.
    """
    logger.warning(
        "503 for %s %s: %s unreachable (%s: %s)",
        request.method,
        request.path,
        service,
        type(error).__name__,
        error,
    )
    response = render(request, "503.html", {"message": _UNAVAILABLE_MESSAGES[service]}, status=503)
    response["Retry-After"] = "5"
    return response


def page_not_found(request, exception):
    """
    Django's 404 view (handler404), except that a dependency that is down
    while the page is drawn gives the 503 page.

    The 404 page has the full header (who is logged in, the cart), and Django
    draws it outside the view, where no middleware catches what it raises.
    """
    try:
        return defaults.page_not_found(request, exception)
    except Exception as error:
        service = unavailable_service(error)
        if service is None:
            raise
        return service_unavailable(request, service=service, error=error)
