from django.utils.functional import SimpleLazyObject

from . import pages


def category_nav(request):
    """
    The header's links to the categories, drawn only if a page shows them:
    kept by each worker under the catalog's version (catalog/pages.py),
    whose one query a catalog page has made already.
    """
    return {"category_nav": SimpleLazyObject(lambda: pages.category_nav(request))}
