import logging

from redis.exceptions import RedisError

from .identity import session_cart
from .storage import refresh_lifetime

logger = logging.getLogger(__name__)


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
                    refresh_lifetime(cart=cart)
                except RedisError as error:
                    # Best effort: the cart keeps the lifetime of its last change.
                    logger.warning("Could not renew the lifetime of an anonymous cart: %s", error)
        return response
