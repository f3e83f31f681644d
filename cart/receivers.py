"""The cart's part in logging in: the visitor's cart is merged into the user's."""

from django.conf import settings
from django.contrib import messages
from django.dispatch import receiver
from django.utils.module_loading import import_string

from session_state import sessions
from session_state.signals import visitor_logged_in

from .storage import user_cart, visitor_cart


@receiver(visitor_logged_in, dispatch_uid="cart.merge_visitor_cart")
def merge_visitor_cart(sender, request, user, visitor_tag, **kwargs):
    """
    Merge the cart of the visitor who is logging in into the user's, and
    say what was added (CART_MERGE_FUNCTION, cart.services.merge_carts).

    Whatever logs in (the shop's login, registration, the admin's), after
    Django's login() has given the session a new id, before the session
    becomes the user's (session_state.receivers).

    Redis down: login() fails at its first step (the new id) with the 503
    page, nothing changed, and the visitor can try again with their cart.
    Redis failing between that step and the merge's fails the login too,
    and leaves the visitor's lines in Redis under a tag that no session
    names any more, until they expire; failing within the merge (three
    steps), a merge of the same visitor's cart for the same user finishes
    it, neither losing a line nor adding one twice; failing after it, the
    lines are the user's (storage.merge).
    """
    merge = import_string(settings.CART_MERGE_FUNCTION)
    added = merge(source=visitor_cart(visitor_tag), target=user_cart(sessions.tag_of_user(user)))
    units = sum(added.values())
    if units:
        messages.info(
            request,
            f"We added {units} item{'s' if units != 1 else ''} from before you logged in to your cart.",
        )
