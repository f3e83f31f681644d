import functools
from functools import partial

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions import middleware as session_middleware
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject

from ops.errors import service_unavailable
from ops.redis_cluster import REDIS_FAILURES

from . import index, keys, user_records
from .sessions import is_ours

# What a visitor whose logged-in session has ended is told on their next
# page: why, where another request ended it (session_state.index noted it),
# else that it expired (the idle or the absolute timeout).
_EXPIRED = "Your session expired. Please log in again."
_ENDED_BECAUSE = {
    "another device": "You were logged out: your session was ended from another device. Please log in again.",
    "password changed": "You were logged out: your password was changed on another device. Please log in again.",
    "every session": "You were logged out: every session of your account was ended (a password reset, "
    "an administrator, or a logout everywhere). Please log in again.",
    "account deactivated": "You were logged out: your account has been deactivated.",
    "too many sessions": "You were logged out here: you logged in on more devices than one account may "
    "keep at once, and this session was the oldest. Please log in again.",
}


def _why_ended(request) -> str:
    """What to tell a visitor whose logged-in session has ended: one round trip, only on this rare path."""
    note = index.noted_end(request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""))
    return _ENDED_BECAUSE.get(note and note["why"], _EXPIRED)


class SessionMiddleware(session_middleware.SessionMiddleware):
    """
    Django's SessionMiddleware (in its place in MIDDLEWARE), and what it
    does not do by itself:

    - A page's session is read up front (read_page_session), so that the
      page can say "your session expired" to a visitor whose logged-in
      session ended (idle or absolute timeout, or ended from another
      device), instead of silently treating them as a new visitor. A form
      posted with an ended session says it on the page it redirects to.
      (Messages ride in a signed cookie: MessageMiddleware comes before
      this one and needs no session.)
    - The idle timeout slides with use. Django refreshes a session's expiry
      only when the session is saved, and saving on every request would be
      a Redis write per page view; instead the session is saved (its TTL
      renewed, "last seen" recorded) once a tenth of the idle timeout, at
      most a minute, has passed since the last time.
    - A response built from a session (the header's user or cart, a page of
      the account) is never stored by the browser or anything between
      (Cache-Control: no-store, private): after logout, Back must not show
      the sessions list or a saved address from the back/forward cache
      (ASVS 3.3.1).
    - Paths without sessions (SESSION_FREE_PATHS: the API, whose requests
      carry Bearer tokens) neither read a session cookie nor set one.
    - A session that cannot be read or saved (Redis down) answers the 503
      page, and the cookie is left alone: the session is still in Redis and
      the user still logged in once Redis answers again. Saving happens
      after the views' own exception handling has run, so this is the one
      place that can turn it into a clear page instead of a 500.
    """

    def process_request(self, request):
        if request.path.startswith(tuple(settings.SESSION_FREE_PATHS)):
            # No session here (the API's Bearer tokens): whatever cookie came
            # with the request is not read, and none is set.
            request.session = self.SessionStore()
            request.session_free = True
            return None
        super().process_request(request)
        if not is_ours(request.session):
            return None  # another engine, for comparison (SESSION_BACKEND)
        cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
        if request.method in ("GET", "HEAD") and keys.is_session_id(cookie):
            try:
                self.read_page_session(request)
            except REDIS_FAILURES as error:
                return service_unavailable(request, service="redis", error=error)
            if request.session.ended:
                messages.info(request, _why_ended(request))
        return None

    def read_page_session(self, request) -> None:
        """
        Read the session of a page (GET, HEAD) that came with one, before
        anything else does. A hook: a subclass reads what the page also
        needs in the same round trip (cart.middleware reads the cart's count
        for the header).
        """
        request.session.load_now()

    def process_response(self, request, response):
        if getattr(request, "session_free", False):
            return response
        session = request.session
        if session.accessed and not session.is_empty():
            add_never_cache_headers(response)
        if is_ours(session):
            # A form posted with an ended session: said on the page it leads
            # to. Not to someone who has just logged in again with it.
            redirected = response.status_code in (301, 302, 303, 307, 308)
            if (
                request.method not in ("GET", "HEAD")
                and redirected
                and session.ended
                and not request.user.is_authenticated
            ):
                messages.info(request, _why_ended(request))
            # Not after a 5xx: Django does not save the session then either.
            if response.status_code < 500 and session.accessed and not session.is_empty():
                session.note_activity()
        try:
            return super().process_response(request, response)
        except REDIS_FAILURES as error:
            return service_unavailable(request, service="redis", error=error)


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """
    Django's AuthenticationMiddleware (in its place in MIDDLEWARE), whose
    user of a logged-in session comes from the record read with the session
    in the same round trip (session_state.user_records) when the record
    agrees with everything Django checks: no database query for a request
    whose view needs nothing else of the user. Otherwise Django's own
    auth.get_user() decides, with its query, and a missing record is
    written for the next request. request.user and request.auser stay lazy,
    as Django's are.
    """

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
        request.auser = partial(aget_user, request)


def get_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = _user_from_record(request) or _user_from_django(request)
    return request._cached_user


async def aget_user(request):
    # Its own cache, as Django's auser() has: a login() or logout() in the
    # request changes what it answers next.
    if not hasattr(request, "_acached_user"):
        user = await sync_to_async(_user_from_record)(request)
        request._acached_user = user or await _auser_from_django(request)
    return request._acached_user


def _user_from_record(request):
    session = request.session
    if not is_ours(session) or not session.is_logged_in_session:
        return None
    backend_path = session.get(BACKEND_SESSION_KEY)
    if backend_path not in settings.AUTHENTICATION_BACKENDS or not _finds_users_as_model_backend(
        backend_path
    ):
        return None
    return user_records.user_from(
        session.user_record, user_id=session.get(SESSION_KEY), user_hash=session.get(HASH_SESSION_KEY)
    )


def _user_from_django(request):
    user = auth.get_user(request)
    _keep_the_record(request.session, user)
    return user


async def _auser_from_django(request):
    user = await auth.aget_user(request)
    await sync_to_async(_keep_the_record)(request.session, user)
    return user


def _keep_the_record(session, user) -> None:
    # Only where none could be read: a record written since by a committed
    # change (on another worker) is newer than the user this request read.
    if (
        user.is_authenticated
        and is_ours(session)
        and session.is_logged_in_session
        and session.user_record is None
    ):
        user_records.write(tag=session.owner_tag, user=user, only_if_missing=True)


@functools.cache
def _finds_users_as_model_backend(backend_path) -> bool:
    """
    Whether the session's backend finds its user as ModelBackend does (by
    id, active users only), which is all the record can stand in for.
    """
    backend = type(auth.load_backend(backend_path))
    return (
        backend.get_user is ModelBackend.get_user
        and backend.user_can_authenticate is ModelBackend.user_can_authenticate
    )
