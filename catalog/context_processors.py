from django.utils.functional import SimpleLazyObject

from .models import Category


def categories(request):
    """The categories for the header's navigation, queried only if a page shows them."""
    return {"categories": SimpleLazyObject(lambda: list(Category.objects.all()))}
