"""The page for a dependency that does not answer, shared by the middleware that catches it."""

import logging

from django.shortcuts import render

logger = logging.getLogger(__name__)

_UNAVAILABLE_MESSAGES = {
    "redis": "We can't reach the session store right now.",
    "database": "We can't reach the database right now.",
}


def service_unavailable(request, *, service, error):
    """
    The 503 page for a dependency ("redis" or "database") that does not answer.

    Called from middleware, never routed. Its template must not touch the
    session, the user or the cart: those are what just failed.
    """
    logger.warning(
        "503 for %s %s: %s unreachable (%s: %s)", request.method, request.path, service, type(error).__name__, error
    )
    response = render(request, "503.html", {"message": _UNAVAILABLE_MESSAGES[service]}, status=503)
    response["Retry-After"] = "5"
    return response
