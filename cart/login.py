"""The cart's part in the user's account: merging at login, the saved address at checkout."""

from django.conf import settings
from django.contrib import messages
from django.utils.module_loading import import_string

from accounts.models import SavedAddress
from accounts.reauth import password_is_recent

from .identity import SESSION_KEY, session_cart, user_cart


def merge_anonymous_cart(request, *, user) -> None:
    """
    Merge the visitor's anonymous cart into the user's, and say what was added.

    Called by the login and registration views just before login(), not
    from the user_logged_in signal after it: login() has by then replaced
    the session, and a Redis failure in the merge would leave the browser
    with a deleted session id and the anonymous cart with no session naming
    it. Before login(), a failure changes nothing (the merge is one atomic
    script) and the visitor simply retries.
    """
    anonymous = session_cart(request)
    if anonymous is None:
        return
    merge = import_string(settings.CART_MERGE_FUNCTION)
    added = merge(source=anonymous, target=user_cart(user.pk))
    del request.session[SESSION_KEY]
    units = sum(added.values())
    if units:
        messages.info(request, f"We added {units} item{'s' if units != 1 else ''} from before you logged in to your cart.")


def saved_shipping_address(request) -> dict[str, str]:
    """
    The user's saved address, to fill in the checkout form; nothing unless
    the password was typed recently, since showing a saved address is one
    of the things that asks for it (ASVS 3.7.1).
    """
    if not password_is_recent(request):
        return {}
    saved = SavedAddress.objects.filter(user=request.user).first()
    return saved.as_shipping() if saved else {}
