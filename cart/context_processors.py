from django.utils.functional import SimpleLazyObject

from .identity import units_in_cart


def cart(request):
    """
    The number of units in the cart, for the header of every page.

    Lazy: counted only when a template shows it, and never for a visitor who
    has no cart. A page usually has it already, read with the session
    (cart.middleware.CartCountMiddleware).
    """
    return {"cart_units": SimpleLazyObject(lambda: units_in_cart(request))}
