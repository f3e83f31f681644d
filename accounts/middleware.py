import time

from django.conf import settings
from django.contrib import messages
from django.contrib.sessions import middleware as session_middleware
from redis.exceptions import RedisError

from shop.errors import service_unavailable

from .sessions import LOGGED_IN_MARK, SessionStore
from .user_sessions import SEEN_AT


class SessionMiddleware(session_middleware.SessionMiddleware):
    """
    Django's SessionMiddleware, except that a failed save answers 503.

    Saving happens in process_response, after the views' exception handling
    (shop.middleware.ServiceUnavailableMiddleware) has run, so this is the one
    place that can turn a Redis outage at save time into a clear page instead
    of a 500. The session cookie is left alone: the session is still in Redis
    and the user is still logged in once Redis answers again.
    """

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except RedisError as error:
            return service_unavailable(request, service="redis", error=error)


class SessionActivityMiddleware:
    """
    Two things Django's sessions do not do by themselves:

    - Say "your session expired" to a visitor whose logged-in session ended
      (idle or absolute timeout, or ended from another device), on the page
      they asked for, instead of silently treating them as a new visitor.
    - Slide the idle timeout with use. Django refreshes a session's expiry
      only when the session is saved; saving on every request would be a
      Redis write per page view. Instead the session is saved (its TTL and
      the cookie's Max-Age renewed, "last seen" recorded) once a tenth of the
      idle timeout, at most a minute, has passed since the last time.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not isinstance(request.session, SessionStore):
            return self.get_response(request)  # another engine, for comparison (SESSION_BACKEND)
        is_page = request.method in ("GET", "HEAD")
        if is_page and request.COOKIES.get(settings.SESSION_COOKIE_NAME, "").startswith(LOGGED_IN_MARK):
            # Load the session now, to say so on the page about to be drawn. It
            # costs nothing more: a logged-in page loads it anyway (the header
            # shows who is logged in), and usually has already
            # (cart.middleware.CartCountMiddleware).
            try:
                request.session.get(SEEN_AT)
            except RedisError as error:
                return service_unavailable(request, service="redis", error=error)
            self._say_if_ended(request)
        response = self.get_response(request)
        if not is_page and response.status_code in (301, 302, 303, 307, 308):
            # A form posted with an ended session: said on the page it leads
            # to. (Its view read the session when it needed it, perhaps in the
            # same round trip as its own work: cart.identity.SessionCart.) Not
            # after a page drawn in answer, which could no longer say it.
            self._say_if_ended(request)
        # Not after a 5xx: Django does not save the session then either.
        if response.status_code < 500:
            self._note_activity(request.session)
        return response

    @staticmethod
    def _say_if_ended(request):
        # Not to someone who has just logged in again with the form they posted.
        if request.session.ended and not request.user.is_authenticated:
            messages.info(request, "Your session expired. Please log in again.")

    @staticmethod
    def _note_activity(session):
        if not session.accessed or session.is_empty():
            return
        if session.modified or session.is_due_for_refresh():
            session[SEEN_AT] = time.time()
