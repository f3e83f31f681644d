"""
How many requests the API takes from one client: API_RATE_LIMIT per
window, counted by django-ratelimit in the shop's Redis (its "default"
cache, RATELIMIT_USE_CACHE), so every worker shares one count.

A request is counted before anything else of its operation runs, even
authentication, so that refused requests (a 400, a 401) count too. Whose
count it is:

- the API login of its Bearer token, when that is a live access token:
  every access token of one login (across refreshes) shares one budget,
  and two logins, even one user's, have one each;
- else its client address (ops.clients: the address nginx saw), IPv6 by
  its /64, which one host holds whole: the public reads, the OAuth token
  endpoints, and any request whose token is not a live one (so that
  made-up tokens never buy a budget of their own).

Past the limit: 429 with Retry-After, the seconds until the window ends
(django-ratelimit's windows are fixed, each key's offset in the minute its
own), in the API's error format (api.errors), or RFC 6749 §5.2's for the
OAuth endpoints. Redis not answering is the API's 503, as anywhere else.
"""

from functools import wraps

from django.conf import settings
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited

from ops.clients import client_address, counted_as
from ops.redis_cluster import REDIS_FAILURES
from session_state import api_logins

from .security import live_login_id

GROUP = "api"  # one budget per client across the whole API


class TooManyRequests(Ratelimited):
    """The client's requests are used up for retry_after seconds (api.errors answers 429)."""

    def __init__(self, *, retry_after: int, oauth: bool):
        super().__init__(f"Too many requests; retry in {retry_after} s")
        self.retry_after = retry_after
        # The operation answers its errors as RFC 6749 §5.2 says (api.errors.oauth_errors).
        self.oauth = oauth


def install(api) -> None:
    """Count every request of every operation of `api` (a NinjaAPI) before it runs."""

    def counted(run):
        # ninja's mode "view" wraps each operation's bound run(), which
        # authenticates and validates before calling the view (its mode
        # "operation" wraps the view alone, after them). Its operation
        # tells whether its errors are OAuth's.
        oauth = getattr(run.__self__.view_func, "oauth_errors", False)

        @wraps(run)
        def run_within_the_limit(request, *args, **kwargs):
            try:
                count(request, oauth=oauth)
            except (Ratelimited, *REDIS_FAILURES, api_logins.RevocationsUnknown) as error:
                # Raised outside the operation, where ninja would catch it:
                # answered by api.errors all the same (429; 503, never
                # Django's 500).
                return api.on_exception(request, error)
            return run(request, *args, **kwargs)

        return run_within_the_limit

    api.add_decorator(counted, mode="view")


def count(request, *, oauth: bool = False) -> None:
    """Count the request against its client's budget; TooManyRequests once it is used up."""
    usage = get_usage(request, group=GROUP, key=_client, rate=settings.API_RATE_LIMIT, increment=True)
    if usage is not None and usage["should_limit"]:
        # time_left is -1 when the count could not be read (never, with
        # RATELIMIT_FAIL_OPEN); a window ending this second is still 1 s.
        raise TooManyRequests(retry_after=max(1, usage["time_left"]), oauth=oauth)


def _client(group: str, request) -> str:
    login_id = live_login_id(request)
    if login_id is not None:
        return f"login:{login_id}"
    return f"address:{counted_as(client_address(request))}"
