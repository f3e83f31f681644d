"""Reads of the catalog."""

import functools
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import Q, QuerySet

from .models import CatalogVersion, Category, Product


def catalog_version() -> str | None:
    """
    The catalog's version token (catalog.models.CatalogVersion), in one
    query: the one query of a catalog page its worker has kept. None when
    its row is missing (a flushed database): then nothing is kept.
    """
    with connection.cursor() as cursor:
        cursor.execute(*_version_query())
        row = cursor.fetchone()
    # A UUID from PostgreSQL, its hex from SQLite: either names the version.
    return None if row is None else str(row[0])


@functools.cache
def _version_query() -> tuple[str, tuple]:
    """
    The version's query as the ORM writes it, written once: building it
    anew for every request cost a kept page about a seventh of its
    instructions (callgrind), as much as the rest of the query.
    """
    return CatalogVersion.objects.filter(pk=CatalogVersion.ROW).values_list("token").query.sql_with_params()


@dataclass(frozen=True)
class CategoryLink:
    """A category as the header's navigation and its page's title show it, its URL already made."""

    slug: str
    name: str
    description: str
    url: str


def category_links() -> tuple[CategoryLink, ...]:
    """Every category, in the catalog's order (by name), in one query."""
    return tuple(
        CategoryLink(category.slug, category.name, category.description, category.get_absolute_url())
        for category in Category.objects.all()
    )


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
