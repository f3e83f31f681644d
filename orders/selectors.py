"""Reads of orders."""

from django.db.models import QuerySet

from accounts.models import SavedAddress

from .models import Order


def orders_of(*, user) -> QuerySet[Order]:
    return Order.objects.filter(user=user).prefetch_related("lines")


def saved_shipping_address(*, user) -> dict[str, str]:
    """The address kept in the user's account, to fill in the checkout form."""
    saved = SavedAddress.objects.filter(user=user).first()
    return saved.as_shipping() if saved else {}
