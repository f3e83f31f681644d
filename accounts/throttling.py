"""
Limits shared by all workers: password checks, password resets, registrations.

Every form that checks a password shares one limiter and its counts: the
shop's login and the admin's (through Django's authenticate(), by
accounts.backends.ThrottledModelBackend), the API's password grant (the
same authenticate()), re-authentication, and the old password of the
password change. Three counts of failed checks, in Redis (the "default"
cache's), each in LOGIN_FAILURE_WINDOW:

- per username at one client address, LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS
  (5): the guessing limit. It holds that address only, so failures from
  one address never lock the username's owner out at another;
- per username over all addresses, LOGIN_FAILURES_PER_USERNAME (100): what
  bounds a password guessed from many addresses. An address can spend at
  most 5 of it, so using it up (which does hold the owner out too) takes
  at least 100 / 5 = 20 addresses in one window;
- per client address whatever the username, LOGIN_FAILURES_PER_IP (50):
  one address trying many accounts.

Password resets and registrations are counted the same way, per client
address and per e-mail address.

An attempt is counted, in one atomic step, against all of its counts
before the work it limits: a password check before the password is hashed,
and given back when the password was right. An attempt refused by one
count is taken back from the others, so guesses refused at one address
spend nothing of the username's budget over all addresses. So of twenty
guesses at one username from one address arriving at once, exactly
LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS are checked and the rest refused
unhashed, even the one with the right password. (django-ratelimit, which
the shop used for this before and uses now for the API's request rates,
api.ratelimits, counts after the fact and cannot give a count back: eight
of twenty got through.) A count's window starts with its first
attempt and is fixed: attempts just before its end and just after it are
counted in two windows, so up to twice the limit can get through around
that moment.
"""

import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import render
from django_redis import get_redis_connection

from ops.clients import counted_as
from session_state import keys
from session_state.lua import LuaScript

_RESERVE = LuaScript(__file__, "reserve.lua")
_GIVE_BACK = LuaScript(__file__, "give_back.lua")


class UsedUp(Exception):
    """A count is used up until retry_after seconds have passed."""

    def __init__(self, retry_after: int):
        super().__init__(f"Too many attempts; retry in {retry_after} s")
        self.retry_after = retry_after


class PasswordChecksUsedUp(UsedUp):
    """No password check is left for now: for this username at this address, for this username, or for this address."""


@dataclass(frozen=True)
class Reservation:
    """One password check, counted: give_back() when the password was right."""

    counts: tuple[str, ...]

    def give_back(self) -> None:
        _GIVE_BACK(client=_redis(), keys=list(self.counts), args=[])


def reserve_password_check(*, username: str, address: str) -> Reservation:
    """Count one password check for username from address, or raise PasswordChecksUsedUp."""
    user, address = _digest(username), counted_as(address)

    def count(kind: str, value: str) -> str:
        return keys.request_count(action="password-check", kind=kind, value=value)

    counts = {
        count("user-at-address", f"{user}:{address}"): settings.LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS,
        count("user", user): settings.LOGIN_FAILURES_PER_USERNAME,
        count("address", address): settings.LOGIN_FAILURES_PER_IP,
    }
    wait = _reserve(counts, window=settings.LOGIN_FAILURE_WINDOW)
    if wait:
        raise PasswordChecksUsedUp(wait)
    return Reservation(tuple(counts))


def count_request(*, action: str, address: str, target: str) -> None:
    """
    Count one request of a kind that is limited whoever asks, "password-reset"
    or "registration": per client address, and per target (the e-mail
    address it is for; none when blank), in REQUEST_LIMIT_WINDOW. Raises
    UsedUp, and counts nothing, past either limit.
    """
    per_address, per_target = {
        "password-reset": (settings.PASSWORD_RESETS_PER_ADDRESS, settings.PASSWORD_RESETS_PER_EMAIL),
        "registration": (settings.REGISTRATIONS_PER_ADDRESS, settings.REGISTRATIONS_PER_EMAIL),
    }[action]
    counts = {keys.request_count(action=action, kind="address", value=counted_as(address)): per_address}
    if target.strip():
        counts[keys.request_count(action=action, kind="target", value=_digest(target))] = per_target
    wait = _reserve(counts, window=settings.REQUEST_LIMIT_WINDOW)
    if wait:
        raise UsedUp(wait)


def _reserve(counts: dict[str, int], *, window: int) -> int:
    """Count one against each count (key -> limit) in one step; 0, or the seconds to wait when one is used up."""
    wait = _RESERVE(client=_redis(), keys=list(counts), args=[window, *counts.values()])
    return max(int(wait), 1) if wait else 0


def throttled_response(request, retry_after: int, *, action: str = "password-check"):
    """The 429 page for a refused attempt of an action ("password-check", "registration", "password-reset"), saying when to try again."""
    context = {"action": action, "retry_minutes": math.ceil(retry_after / 60)}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _digest(username: str) -> str:
    # A username or an e-mail address, normalized as the login form
    # normalizes a username (NFKC: "ｅｒｉｎ" in full-width
    # letters logs in as "erin", so it must count as "erin"), then compared
    # case-insensitively, so that "Alice" and "alice" share one count too.
    normalized = get_user_model().normalize_username(username).strip().casefold()
    return hashlib.sha256(normalized.encode()).hexdigest()


def _redis():
    return get_redis_connection("default")
