from django.utils.functional import SimpleLazyObject

from .models import Category
from .workers import current_worker


def served_by(request):
    """The worker that rendered the page, for the footer."""
    return {"served_by": current_worker()}


def categories(request):
    """The categories for the header's navigation, queried only if a page shows them."""
    return {"categories": SimpleLazyObject(lambda: list(Category.objects.all()))}
