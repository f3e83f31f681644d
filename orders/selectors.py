"""Reads of orders."""

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.db.models import Q, QuerySet

from accounts.models import SavedAddress

from .models import Order


def orders_of(*, user) -> QuerySet[Order]:
    return Order.objects.filter(user=user).prefetch_related("lines")


class OrderPosition(NamedTuple):
    """Where a walk of a user's orders stands: the last order it was given."""

    created_at: datetime
    id: int


@dataclass(frozen=True)
class OrderPage:
    orders: list[Order]
    # The position to walk on from; None on the last page.
    next_after: OrderPosition | None


def orders_page(*, user, after: OrderPosition | None = None, limit: int) -> OrderPage:
    """
    At most `limit` of the user's orders, newest first, that come after
    `after`: a keyset page, in two queries (the orders, then their lines).

    The order is (created_at, id), both descending: the id breaks ties
    between orders placed in the same microsecond. An order placed during
    a walk is newer than the walk's position, so it lands before it and
    that walk does not see it; every order that was there when the walk
    began is given once.
    """
    orders = orders_of(user=user).order_by("-created_at", "-id")
    if after is not None:
        orders = orders.filter(
            Q(created_at__lt=after.created_at) | Q(created_at=after.created_at, id__lt=after.id)
        )
    # One more than asked tells whether a page follows, without a COUNT.
    rows = list(orders[: limit + 1])
    page = rows[:limit]
    more = len(rows) > limit
    return OrderPage(page, OrderPosition(page[-1].created_at, page[-1].pk) if more else None)


def saved_shipping_address(*, user) -> dict[str, str]:
    """The address kept in the user's account, to fill in the checkout form."""
    saved = SavedAddress.objects.filter(user=user).first()
    return saved.as_shipping() if saved else {}
