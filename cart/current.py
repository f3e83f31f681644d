"""
request.cart: the cart of whoever makes the request, found lazily (like
django-oscar's request.basket), set by cart.middleware.

A logged-in user's cart is named by the user's tag, so it follows them to
every device and is still there after logout; an anonymous visitor's by
the visitor's, which their session's id carries. Finding it costs nothing:
the tag is in the session's id (session_state.keys). A visitor without a
session has no cart until they add to one.
"""

from session_state import sessions

from . import storage
from .storage import CartRef, LineAnswer


class CurrentCart:
    def __init__(self, request):
        self._request = request
        # (the cart, its units), read with the page's session by read_with_session().
        self._counted: tuple[CartRef, int] | None = None

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
        # The cart the session's id named may not be the request's after
        # all: Django refused the session's user, or the request logged
        # someone in or out.
        if self._counted is not None and self._counted[0] == cart:
            return self._counted[1]
        return storage.unit_count(cart=cart)

    def read_with_session(self) -> None:
        """Read the page's session and its cart's count in one round trip (cart.middleware)."""
        session = self._request.session
        owner = sessions.claimed_owner(session)
        cart = storage.cart_of(owner)
        self._counted = (cart, storage.count_with_session(session=session, cart=cart))

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
