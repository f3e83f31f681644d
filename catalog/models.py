import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:category", kwargs={"slug": self.slug})


class Product(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    stock = models.PositiveIntegerField(default=0)
    # A picture that ships with the code, as a path under static/; the
    # catalog's pictures are made for it, never uploaded or fetched.
    image = models.CharField(
        max_length=200, blank=True, help_text="A path under static/, e.g. shop/products/mug.svg"
    )

    class Meta:
        ordering = ("name",)

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:product", kwargs={"slug": self.slug})

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


class CatalogVersion(models.Model):
    """
    One row, whose token changes with every change to what the catalog's
    pages show (a product, its price or stock, a category): the version
    every worker's rendered pages are kept under (catalog/pages.py).

    In the database, not in Redis, so that the one query a kept page makes
    (reading this token) is also all it takes to know the page is still
    right, on every worker at once, and an anonymous page still never
    touches Redis. A random token rather than a count: a database restored
    from a backup (or a test's rolled-back transaction) goes back to an
    older value, and a count would then meet the numbers again with other
    products behind them; a token never comes back.
    """

    ROW = 1

    token = models.UUIDField(default=uuid.uuid4)

    def __str__(self):
        return str(self.token)
