from session_state.middleware import SessionMiddleware

from .current import CurrentCart


class SessionAndCartMiddleware(SessionMiddleware):
    """
    The session middleware (session_state's, in Django's SessionMiddleware's
    place), which also gives each request its cart: request.cart.

    Every page shows the cart's count in its header, and every page of a
    visitor with a session reads the session: the count is read with it, in
    one round trip (cart/scripts/count_with_session.lua), before anything
    else reads the session. One middleware for both, so that no order
    between them is left to know.
    """

    def process_request(self, request):
        request.cart = CurrentCart(request)
        return super().process_request(request)

    def read_page_session(self, request) -> None:
        request.cart.read_with_session()
