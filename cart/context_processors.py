from django.utils.functional import SimpleLazyObject

from .identity import cart_for_request
from .selectors import cart_unit_count


def cart(request):
    """
    The number of units in the cart, for the header of every page.

    Lazy: counted (one Redis read) only when a template shows it, and never
    for a visitor who has no cart.
    """
    return {"cart_units": SimpleLazyObject(lambda: cart_unit_count(cart=cart_for_request(request)))}
