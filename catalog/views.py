from django.http import Http404
from django.template.loader import render_to_string
from django.views.generic import DetailView, ListView

from . import pages
from .models import Product
from .selectors import CategoryLink, catalog_products

# The most digits of a page number a kept listing is looked up by (a page
# past the last one is never kept: it answers 404).
_MAX_PAGE_DIGITS = 5


class ProductListView(ListView):
    """
    The catalog: every product, one category's, or those matching a search.

    The listing (everything below the header) is rendered on its own, from
    ListView's context but without the request, and kept by each worker for
    every visitor alike (catalog/pages.py): a kept page costs one query
    (the catalog's version) and no rendering of its products. A search is
    never kept: its words are the visitor's, any of countless, rarely
    asked for twice, and keeping them would push out the pages every
    visitor asks for. A page number is kept by its value (?page=02 is page
    2); any other (?page=last) is rendered as ListView always has.
    """

    template_name = "catalog/product_list.html"
    listing_template_name = "catalog/includes/listing.html"
    context_object_name = "products"
    paginate_by = 12

    def get(self, request, *args, **kwargs):
        self.search = request.GET.get("q", "").strip()[:100]
        self.category = self.get_category()
        page = request.GET.get(self.page_kwarg, "1")
        if self.search or not (page.isascii() and page.isdigit() and len(page) <= _MAX_PAGE_DIGITS):
            listing = self.render_listing()
        else:
            name = f"{self.category.slug if self.category else ''}:{int(page)}"
            listing = pages.listing(request, name, self.render_listing)
        return self.render_to_response({"listing": listing, "category": self.category, "search": self.search})

    def get_category(self) -> CategoryLink | None:
        """The category of a category page (404 if there is none by its slug), from the kept categories."""
        if "slug" not in self.kwargs:
            return None
        for category in pages.categories(self.request):
            if category.slug == self.kwargs["slug"]:
                return category
        raise Http404("No category by that name.")

    def get_queryset(self):
        return catalog_products(category_slug=self.category and self.category.slug, search=self.search)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, search=self.search, **kwargs)

    def render_listing(self) -> str:
        """
        The listing, from ListView's context (the page of products, 404 for
        a page that is not there), rendered without the request: nothing of
        the visitor can be in it.
        """
        self.object_list = self.get_queryset()
        return render_to_string(self.listing_template_name, self.get_context_data())

    def get_template_names(self):
        # The page's own template, which ListView would go on to guess from
        # object_list: a kept page never builds one.
        return [self.template_name]


class ProductDetailView(DetailView):
    model = Product
    queryset = Product.objects.select_related("category")
    template_name = "catalog/product_detail.html"
