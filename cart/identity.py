"""
Which cart a request is about.

A logged-in user's cart belongs to the user, not to a browser: its key is
derived from the user id, so it follows them to another device and is still
there after logout. An anonymous visitor's cart is named by a random id
kept in the session, the only thing about the cart the session holds; it
lives as long as an idle session does.
"""

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import SESSION_KEY as USER_ID_KEY
from django.http import HttpRequest

from accounts.sessions import SessionStore
from accounts.user_sessions import LOGIN_AT

from .selectors import cart_unit_count
from .storage import CartRef

SESSION_KEY = "cart_id"
USER_CART_PREFIX = "shop:cart:user:"
ANONYMOUS_CART_PREFIX = "shop:cart:anon:"


def user_cart(user_id: int) -> CartRef:
    return CartRef(key=f"{USER_CART_PREFIX}{user_id}", ttl=settings.CART_USER_TTL)


def anonymous_cart(cart_id: str) -> CartRef:
    return CartRef(key=f"{ANONYMOUS_CART_PREFIX}{cart_id}", ttl=settings.SESSION_COOKIE_AGE)


def session_cart_lookup() -> list:
    """
    The rules above, for a Lua script that finds a session's cart itself
    (cart.storage): and none for a logged-in session past its absolute
    timeout, which the session store will refuse (accounts.sessions).
    """
    return [
        USER_ID_KEY, USER_CART_PREFIX, settings.CART_USER_TTL,
        SESSION_KEY, ANONYMOUS_CART_PREFIX, settings.SESSION_COOKIE_AGE,
        LOGIN_AT, time.time() - settings.SESSION_ABSOLUTE_TIMEOUT,
    ]  # fmt: skip


def session_cart(request) -> CartRef | None:
    """The anonymous cart named in the session, if there is one."""
    cart_id = request.session.get(SESSION_KEY)
    return anonymous_cart(cart_id) if cart_id else None


def cart_for_request(request, *, create: bool = False) -> CartRef | None:
    """
    The cart of whoever makes the request.

    None for an anonymous visitor who has no cart yet, unless create is true:
    then the visitor gets a cart id in the session (and so a session).
    """
    if request.user.is_authenticated:
        return user_cart(request.user.pk)
    cart = session_cart(request)
    if cart is None and create:
        request.session[SESSION_KEY] = secrets.token_urlsafe(16)
        cart = session_cart(request)
    return cart


def units_in_cart(request) -> int:
    """Units in the request's cart, for the header: read with the session when it could be."""
    cart = cart_for_request(request)
    counted, units = getattr(request, "cart_count", (None, 0))
    # The cart the session named may not be the request's after all: Django
    # refused the session's user, or the request logged someone in or out.
    return units if cart is not None and cart == counted else cart_unit_count(cart=cart)


@dataclass(frozen=True)
class SessionCart:
    """
    The cart of a request whose session has not been read yet, to change it.

    Reading the session and then changing the cart it names would be two
    round trips to Redis. Instead one script finds the cart from the
    session's data and changes it, and hands the session back to the request
    (SessionStore.adopt). Django then checks the session as it always does;
    should it refuse it (its user deactivated, or their password changed
    behind the shop's back), the cart the script found was not this
    request's to change, and the change must be taken back
    (cart.services.add_to_cart). The script itself leaves alone the cart of
    a session past its absolute timeout, the refusal that comes with time.
    """

    request: HttpRequest

    @property
    def session_redis_key(self) -> str:
        return self.request.session.redis_key

    def settle(self, *, stored: bytes | None) -> CartRef:
        """Give the request the session the script read; the cart it may change, after Django's checks."""
        if not self.request.session.loaded:  # or read meanwhile: the same session
            self.request.session.adopt(stored)
        return cart_for_request(self.request, create=True)


def cart_to_change(request) -> CartRef | SessionCart:
    """The request's cart, to change it: with the session in one round trip when it has not been read yet."""
    session = request.session
    if isinstance(session, SessionStore) and session.session_key and not session.loaded:
        return SessionCart(request)
    return cart_for_request(request, create=True)
