"""Reads of the catalog."""

from django.db.models import QuerySet

from .models import Product


def catalog_products(*, category_slug: str | None = None, search: str = "") -> QuerySet[Product]:
    """Products to list, optionally of one category and matching a search by name."""
    products = Product.objects.select_related("category")
    if category_slug:
        products = products.filter(category__slug=category_slug)
    if search:
        products = products.filter(name__icontains=search)
    return products
