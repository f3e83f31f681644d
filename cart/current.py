"""
request.cart: the cart of whoever makes the request, found lazily (like
django-oscar's request.basket), set by cart.middleware.

A logged-in user's cart is named by the user's tag, so it follows them to
every device and is still there after logout; an anonymous visitor's by
the visitor's, which their session's id carries. Finding it costs nothing:
the tag is in the session's id (session_state.keys). A visitor without a
session has no cart until they add to one.

A page reads its session and its cart in one round trip (read_with_session,
from cart.middleware): the count for the header on every page, the lines
themselves on a page that shows them (WHOLE_CART_PAGES).
"""

import functools
from typing import NamedTuple

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, reverse

from session_state import sessions

from . import storage
from .storage import CartRef, LineAnswer

# The pages that show the whole cart, by URL name: their session is read
# with the cart's lines rather than its count, so that the page needs no
# second round trip for them.
WHOLE_CART_PAGES = ("cart:detail", "cart:summary")


class _ReadAlong(NamedTuple):
    """What was read with the page's session: which cart, its lines (None unless the page shows them), its units."""

    cart: CartRef
    lines: dict[int, int] | None
    units: int


class CurrentCart:
    def __init__(self, request):
        self._request = request
        self._read: _ReadAlong | None = None  # set by read_with_session()

    @property
    def ref(self) -> CartRef | None:
        """The request's cart, once Django has checked the session's user; None for a visitor without one."""
        owner = sessions.owner_of(self._request.session, user=self._request.user)
        return None if owner is None else storage.cart_of(owner)

    def ref_for_change(self) -> CartRef:
        """The request's cart, giving a visitor without a session one now (and so a cart)."""
        return storage.cart_of(sessions.ensure_owner(self._request.session, user=self._request.user))

    @property
    def units(self) -> int:
        """Units in the cart, for the header: as read with the session when it could be."""
        cart = self.ref
        if cart is None:
            return 0
        read = self._read_along(cart)
        return read.units if read is not None else storage.unit_count(cart=cart)

    @property
    def contents(self) -> dict[int, int]:
        """The lines of the request's cart, product id -> quantity: as read with the session when they were."""
        cart = self.ref
        if cart is None:
            return {}
        read = self._read_along(cart)
        if read is not None and read.lines is not None:
            return dict(read.lines)
        return storage.contents(cart=cart)

    def _read_along(self, cart: CartRef) -> _ReadAlong | None:
        # The cart the session's id named may not be the request's after
        # all: Django refused the session's user, or the request logged
        # someone in or out. Then it is read on its own.
        return self._read if self._read is not None and self._read.cart == cart else None

    def read_with_session(self) -> None:
        """
        Read the page's session and its cart in one round trip (cart.middleware):
        the lines on a page that shows them, the count on any other.
        """
        session = self._request.session
        cart = storage.cart_of(sessions.claimed_owner(session))
        # ROOT_URLCONF: no middleware of the shop's sets a request.urlconf of its own.
        if self._request.path_info in _whole_cart_paths(settings.ROOT_URLCONF):
            lines = storage.contents_with_session(session=session, cart=cart)
            self._read = _ReadAlong(cart=cart, lines=lines, units=sum(lines.values()))
        else:
            self._read = _ReadAlong(
                cart=cart, lines=None, units=storage.count_with_session(session=session, cart=cart)
            )

    def add_line(self, *, product_id: int, quantity: int, line_cap: int, max_lines: int) -> tuple[int, int]:
        """
        storage.add() to the request's cart; with the session in one round
        trip when it has not been read yet.

        The script adds to the cart the session's id names while the session
        exists, and hands the session to the store. Django then checks it as
        it always does (the user exists and is active, the password hash
        matches). Should it refuse it (the password was changed in the shell,
        the user deactivated), or fail to check it at all (the database is
        down), the units go back out of that cart; for that moment they were
        in a cart the request had no right to change. The add is then made
        as for any visitor without a valid session.
        """
        line = {"product_id": product_id, "quantity": quantity, "line_cap": line_cap, "max_lines": max_lines}
        session = self._request.session
        if not sessions.reads_along(session):
            return storage.add(cart=self.ref_for_change(), **line)
        named = storage.cart_of(sessions.claimed_owner(session))
        status, now = storage.add_with_session(session=session, cart=named, **line)
        mine = None
        try:
            mine = self.ref
        finally:
            if mine != named and status == LineAnswer.CHANGED:
                storage.take_back(cart=named, units={product_id: quantity})
        if mine == named and status != LineAnswer.NO_SESSION:
            return status, now
        return storage.add(cart=self.ref_for_change(), **line)


@functools.cache
def _whole_cart_paths(urlconf) -> frozenset[str]:
    """The paths of WHOLE_CART_PAGES as request.path_info has them (without SCRIPT_NAME), once per URLconf."""
    paths = set()
    for name in WHOLE_CART_PAGES:
        try:
            paths.add("/" + reverse(name, urlconf=urlconf).removeprefix(get_script_prefix()))
        except NoReverseMatch:
            pass  # a URLconf without the cart (a test's)
    return frozenset(paths)
