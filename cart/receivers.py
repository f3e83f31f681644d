from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .identity import SESSION_KEY, session_cart, user_cart


@receiver(user_logged_in, dispatch_uid="cart.merge_anonymous_cart")
def merge_anonymous_cart(sender, request, user, **kwargs):
    """At login, the anonymous cart joins the user's; the page says what was added."""
    anonymous = session_cart(request)
    if anonymous is None:
        return
    merge = import_string(settings.CART_MERGE_FUNCTION)
    added = merge(source=anonymous, target=user_cart(user.pk))
    del request.session[SESSION_KEY]
    units = sum(added.values())
    if units:
        messages.info(
            request,
            f"We added {units} item{'s' if units != 1 else ''} from before you logged in to your cart.",
            fail_silently=True,
        )
