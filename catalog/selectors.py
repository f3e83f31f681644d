"""Reads of the catalog."""

from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Q, QuerySet

from .models import Product


def catalog_products(*, category_slug: str | None = None, search: str = "") -> QuerySet[Product]:
    """Products to list, optionally of one category and matching a search by name."""
    products = Product.objects.select_related("category")
    if category_slug:
        products = products.filter(category__slug=category_slug)
    if search:
        products = products.filter(name__icontains=search)
    return products


class ProductPosition(NamedTuple):
    """Where a walk of the catalog stands: the last product it was given."""

    name: str
    id: int


@dataclass(frozen=True)
class ProductPage:
    products: list[Product]
    # The position to walk on from; None on the last page.
    next_after: ProductPosition | None


def catalog_page(
    *,
    category_slug: str | None = None,
    search: str = "",
    after: ProductPosition | None = None,
    limit: int,
) -> ProductPage:
    """
    At most `limit` products of the catalog, in its order (by name), that
    come after `after`: a keyset page, in one query.

    The order is (name, id): the id breaks ties between products of one
    name, so that every product has one place in it and a page that ends
    among them goes on with the next of them, never skipping one or giving
    one twice. A product added during a walk takes its place in that order
    and moves no other: the products that were there when the walk began
    are each given once (a new one is given if it falls after the walk's
    position). An offset would shift under an insert instead.
    """
    products = catalog_products(category_slug=category_slug, search=search).order_by("name", "id")
    if after is not None:
        products = products.filter(Q(name__gt=after.name) | Q(name=after.name, id__gt=after.id))
    # One more than asked tells whether a page follows, without a COUNT.
    rows = list(products[: limit + 1])
    page = rows[:limit]
    more = len(rows) > limit
    return ProductPage(page, ProductPosition(page[-1].name, page[-1].pk) if more else None)
