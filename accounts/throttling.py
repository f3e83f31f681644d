"""
Login throttling: failed attempts counted in Redis with django-ratelimit.

Two counts, both shared by every worker through the "default" cache:
per username whatever the client address (a password guessed from many
addresses), and per client address whatever the username (one address
trying many accounts). Only failures are counted; the check comes before
the password is hashed, so a throttled attempt costs no hashing and is
refused even when its password is right.
"""

import math

from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import render
from django_ratelimit.core import get_usage


def _limits(username: str):
    # Normalized as the login form normalizes it (NFKC: "ｅｒｉｎ" in full-width
    # letters logs in as "erin", so it must count as "erin"), then compared
    # case-insensitively, so that "Alice" and "alice" share one count too.
    normalized = get_user_model().normalize_username(username).strip().casefold()
    rate_window = f"{settings.LOGIN_FAILURE_WINDOW}s"
    return [
        ("login-failures-username", lambda group, request: normalized, f"{settings.LOGIN_FAILURES_PER_USERNAME}/{rate_window}"),
        ("login-failures-ip", "ip", f"{settings.LOGIN_FAILURES_PER_IP}/{rate_window}"),
    ]


def login_retry_after(*, request, username: str) -> int | None:
    """Seconds until a password may be tried again for username, or None if it may now."""
    waits = []
    for group, key, rate in _limits(username):
        usage = get_usage(request, group=group, key=key, rate=rate, method="POST")
        # get_usage's should_limit means "the count is already past the
        # limit"; here the count is of failures so far, so the attempt that
        # would be failure number limit + 1 is the first one refused.
        if usage is not None and usage["count"] >= usage["limit"]:
            waits.append(max(usage["time_left"], 1))
    return max(waits) if waits else None


def record_failed_login(*, request, username: str) -> None:
    """Count one failed password against the username and the address."""
    for group, key, rate in _limits(username):
        get_usage(request, group=group, key=key, rate=rate, method="POST", increment=True)


def throttled_response(request, retry_after: int):
    """The 429 page for a throttled attempt, saying when to try again."""
    response = render(request, "429.html", {"retry_minutes": math.ceil(retry_after / 60)}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
