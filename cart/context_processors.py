from django.utils.functional import SimpleLazyObject


def cart(request):
    """
    The number of units in the cart, for the header of every page.

    Lazy: counted only when a template shows it, and never for a visitor who
    has no cart. A page usually has it already, read with the session
    (cart.middleware).
    """
    return {"cart_units": SimpleLazyObject(lambda: request.cart.units)}
