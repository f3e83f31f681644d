"""
The catalog's pages, kept rendered in each worker's memory, under the
catalog's version.

What a catalog page shows below its header (the listing: the title, the
product grid, the pagination) and the categories of every page's header
are the same for every visitor, and change only when a product or a
category does. Each worker keeps them, in Django's per-process cache
(LocMemCache, the "catalog" alias), with the catalog's version token as
the cache's key version (catalog.models.CatalogVersion). A request reads
the token, once (the one database query of a kept page); a change
(catalog.services.catalog_changed) replaces it, and from the next request
on every worker asks for keys of the new version, which it does not have
yet: it renders them afresh, once, and keeps them. What was kept under an
old version is never asked for again and makes room as the cache fills
(MAX_ENTRIES) or times out (TIMEOUT, settings.CACHES).

Why not the shared Redis, where one worker's rendering would serve them
all: a read there is a round trip, and an anonymous page makes none (a
logged-in one, exactly one: its session). Nor a copy in memory checked
against a version in Redis: the check is the round trip. The database is
asked anyway, and the version is one row of it; a page that is kept asks
it that and nothing else.

Nothing of a visitor is in what is kept: the listing is rendered without
the request (no user, no cart, no CSRF token in its context), and its
"Add to cart" buttons submit one form outside it, drawn for each request
with the visitor's own token (templates/catalog/product_list.html).
"""

from collections.abc import Callable

from django.core.cache import caches
from django.template.loader import render_to_string

from . import selectors

CACHE = "catalog"
NAV_TEMPLATE = "catalog/includes/category_nav.html"


def version(request) -> str | None:
    """The catalog's version for this request: read from the database once, then remembered."""
    try:
        return request._catalog_version
    except AttributeError:
        request._catalog_version = selectors.catalog_version()
        return request._catalog_version


def categories(request) -> tuple[selectors.CategoryLink, ...]:
    """Every category, for a category page and the header's navigation: kept, and remembered for the request."""
    try:
        return request._catalog_categories
    except AttributeError:
        request._catalog_categories = _kept(request, "categories", selectors.category_links)
        return request._catalog_categories


def category_nav(request) -> str:
    """
    The header's links to the catalog and its categories, the page's own
    marked: kept per link marked. Drawn for every page, so kept as drawn:
    drawing it from the kept categories took a kept catalog page about a
    sixth of its instructions (callgrind).
    """
    marked = _marked_link(request)
    return _kept(
        request,
        f"nav:{marked}",
        lambda: render_to_string(NAV_TEMPLATE, {"categories": categories(request), "marked": marked}),
    )


def _marked_link(request) -> str:
    """The header's link to mark on this page: "*" the whole catalog's, a category's slug, or "" none."""
    match = request.resolver_match
    if match is None:
        return ""
    if match.view_name == "catalog:home":  # a search too
        return "*"
    if match.view_name == "catalog:category":
        # A slug of no category (its page answers 404) marks nothing, and
        # keeps nothing under its name: made-up slugs cannot fill the cache.
        slug = match.kwargs["slug"]
        return slug if any(category.slug == slug for category in categories(request)) else ""
    return ""


def listing(request, name: str, render: Callable[[], str]) -> str:
    """
    The listing called `name` (the view's: which category, which page):
    the one this worker kept under this request's version, or render() to
    make it, then keep it. Whatever render() raises (an Http404 for a page
    past the last) is raised, and nothing is kept.
    """
    return _kept(request, f"listing:{name}", render)


def _kept(request, name: str, make: Callable):
    token = version(request)
    if token is None:  # the version's row is missing: nothing can be told stale, so nothing is kept
        return make()
    return caches[CACHE].get_or_set(name, make, version=token)
