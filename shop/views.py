from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from cart.forms import AddToCartForm

from .health import check_dependencies
from .models import Category, Product
from .selectors import catalog_products


class ProductListView(ListView):
    """The catalog: every product, one category's, or those matching a search."""

    template_name = "shop/product_list.html"
    context_object_name = "products"
    paginate_by = 12

    def get_queryset(self):
        self.category = None
        if "slug" in self.kwargs:
            self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        self.search = self.request.GET.get("q", "").strip()[:100]
        return catalog_products(category_slug=self.kwargs.get("slug"), search=self.search)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, search=self.search, **kwargs)


class ProductDetailView(DetailView):
    model = Product
    queryset = Product.objects.select_related("category")
    template_name = "shop/product_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=AddToCartForm(), **kwargs)


@never_cache
def healthz(request):
    """JSON status of each dependency: 200 when all are "ok", 503 otherwise."""
    checks = check_dependencies()
    healthy = all(status == "ok" for status in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status=200 if healthy else 503,
    )
