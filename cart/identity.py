"""
Which cart a request is about.

A logged-in user's cart belongs to the user, not to a browser: its key is
derived from the user id, so it follows them to another device and is still
there after logout. An anonymous visitor's cart is named by a random id
kept in the session, the only thing about the cart the session holds; it
lives as long as an idle session does.
"""

import secrets

from django.conf import settings

from .storage import CartRef

SESSION_KEY = "cart_id"


def user_cart(user_id: int) -> CartRef:
    return CartRef(key=f"shop:cart:user:{user_id}", ttl=settings.CART_USER_TTL)


def anonymous_cart(cart_id: str) -> CartRef:
    return CartRef(key=f"shop:cart:anon:{cart_id}", ttl=settings.SESSION_COOKIE_AGE)


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
