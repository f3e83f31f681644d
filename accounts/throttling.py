"""
Password checks, throttled across all workers.

Every form that checks a password shares one limiter and one count: the
shop's login and the admin's (through Django's authenticate(), by
accounts.backends.ThrottledModelBackend), re-authentication, and the old
password of the password change. Two counts, in Redis (the "default"
cache's): per username whatever the client address (a password guessed
from many addresses), and per client address whatever the username (one
address trying many accounts).

A check is reserved, in one atomic step, before the password is hashed,
and given back when the password was right: so of twenty guesses at one
username arriving at once, exactly LOGIN_FAILURES_PER_USERNAME are checked
and the rest refused unhashed, even the one with the right password.
django-ratelimit, which the shop uses for its other limits, counts after
the fact and cannot give a count back, so this one is a script of its own
(accounts/scripts/). A count's window starts with its first failure and
is fixed: failures just before its end and just after it are counted in
two windows, so up to twice the limit can be tried around that moment.
"""

import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import render
from django_redis import get_redis_connection

from session_state import api, keys

_RESERVE = api.LuaScript(__file__, "reserve_password_check.lua")
_GIVE_BACK = api.LuaScript(__file__, "give_back_password_check.lua")


class PasswordChecksUsedUp(Exception):
    """No password check is left for this username or this address until retry_after seconds have passed."""

    def __init__(self, retry_after: int):
        super().__init__(f"Too many password checks; retry in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Reservation:
    """One password check, counted: give_back() when the password was right."""

    counts: tuple[str, ...]

    def give_back(self) -> None:
        _GIVE_BACK(client=_redis(), keys=list(self.counts), args=[])


def client_address(request) -> str:
    """
    The address nginx saw (X-Real-IP, which nginx overwrites, so a client
    cannot choose its own count; X-Forwarded-For is never read).
    """
    return request.META.get(settings.RATELIMIT_IP_META_KEY) or request.META.get("REMOTE_ADDR", "")


def reserve_password_check(*, username: str, address: str) -> Reservation:
    """Count one password check for username from address, or raise PasswordChecksUsedUp."""
    counts = (
        keys.password_checks(kind="user", value=_digest(username)),
        keys.password_checks(kind="address", value=address or "unknown"),
    )
    limits = (settings.LOGIN_FAILURES_PER_USERNAME, settings.LOGIN_FAILURES_PER_IP)
    wait = _RESERVE(client=_redis(), keys=list(counts), args=[settings.LOGIN_FAILURE_WINDOW, *limits])
    if wait:
        raise PasswordChecksUsedUp(max(int(wait), 1))
    return Reservation(counts)


def throttled_response(request, retry_after: int):
    """The 429 page for a refused attempt, saying when to try again."""
    response = render(request, "429.html", {"retry_minutes": math.ceil(retry_after / 60)}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _digest(username: str) -> str:
    # Normalized as the login form normalizes it (NFKC: "ｅｒｉｎ" in full-width
    # letters logs in as "erin", so it must count as "erin"), then compared
    # case-insensitively, so that "Alice" and "alice" share one count too.
    normalized = get_user_model().normalize_username(username).strip().casefold()
    return hashlib.sha256(normalized.encode()).hexdigest()


def _redis():
    return get_redis_connection("default")
