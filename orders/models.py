from django.conf import settings
from django.db import models
from django.urls import reverse


class Order(models.Model):
    """An order, written in one transaction with its lines and the stock it takes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    created_at = models.DateTimeField(auto_now_add=True)
    # The cart's checkout token at the time of ordering. Unique, so that the
    # same checkout submitted twice (a double click, back and resubmit, two
    # tabs) places one order.
    checkout_token = models.CharField(max_length=64, unique=True)
    # The API's Idempotency-Key (orders.services.place_order_once): a
    # phone's retries of one checkout find this order instead of placing
    # another. Empty for the web's orders.
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    # The fingerprint of the request the key came with (api.idempotency):
    # the same key with another request is refused, not answered with this
    # order. Empty for the web's orders, and for the API's placed before it
    # was kept (their key answers any body).
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, default="")
    full_name = models.CharField(max_length=200)
    address = models.CharField(max_length=300)
    city = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=100)
    total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = (
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="one_order_per_idempotency_key",
            ),
        )

    def __str__(self):
        return f"Order #{self.pk}"

    def get_absolute_url(self):
        return reverse("orders:order", kwargs={"pk": self.pk})


class OrderLine(models.Model):
    """A product as it was ordered: name and price are copied, not looked up later."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.SET_NULL, null=True, related_name="+")
    product_name = models.CharField(max_length=200)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ("pk",)

    def __str__(self):
        return f"{self.quantity} x {self.product_name}"

    @property
    def line_total(self):
        return self.unit_price * self.quantity
