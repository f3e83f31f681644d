from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Category, Product
from .selectors import catalog_products


class ProductListView(ListView):
    """The catalog: every product, one category's, or those matching a search."""

    template_name = "catalog/product_list.html"
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
    template_name = "catalog/product_detail.html"
