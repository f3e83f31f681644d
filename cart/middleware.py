import logging

from redis.exceptions import RedisError

from accounts.sessions import SessionStore
from shop.errors import service_unavailable

from . import storage
from .identity import session_cart, session_cart_lookup

logger = logging.getLogger(__name__)


class CartCountMiddleware:
    """
    Reads a page's session and the unit count of its cart in one round trip.

    Every page shows the count in its header, and every page of a visitor
    with a session reads the session: two reads of Redis, one after the
    other, since the cart is named by the session. One script does both
    (cart.storage.read_with_session) before anything else reads the session,
    and the count waits in request.cart_count for the header
    (cart.identity.units_in_cart). Pages only (GET, HEAD): a change posted to the
    cart reads the session in its own script (cart.identity.SessionCart).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if request.method in ("GET", "HEAD") and isinstance(session, SessionStore) and session.session_key:
            try:
                stored, cart, units = storage.read_with_session(
                    session_key=session.redis_key, lookup=session_cart_lookup()
                )
                # Deletes a session past its absolute timeout: Redis again.
                session.adopt(stored)
            except RedisError as error:
                return service_unavailable(request, service="redis", error=error)
            request.cart_count = (cart, units)
        return self.get_response(request)


class AnonymousCartLifetimeMiddleware:
    """
    An anonymous cart lives as long as its session: whenever the session is
    about to be saved (which renews its TTL), the cart's TTL is renewed too.
    Without this, a visitor who browses for longer than the idle timeout
    without changing the cart would keep the session and lose the cart.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        # Not after a 5xx: Django does not save the session then either.
        if response.status_code >= 500:
            return response
        if session.accessed and session.modified and not request.user.is_authenticated:
            cart = session_cart(request)
            if cart is not None:
                try:
                    storage.refresh_lifetime(cart=cart)
                except RedisError as error:
                    # Best effort: the cart keeps the lifetime of its last change.
                    logger.warning("Could not renew the lifetime of an anonymous cart: %s", error)
        return response
