"""What changes a user's account, for callers other than its own forms (the API)."""

from .models import SavedAddress


def save_address(*, user, shipping: dict[str, str]) -> SavedAddress:
    """Keep this as the user's saved shipping address, in place of any before."""
    saved, _created = SavedAddress.objects.update_or_create(user=user, defaults=shipping)
    return saved
