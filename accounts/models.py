from django.conf import settings
from django.db import models


class SavedAddress(models.Model):
    """The shipping address a user keeps in their account, offered at checkout."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_address"
    )
    full_name = models.CharField(max_length=200, verbose_name="Full name")
    address = models.CharField(max_length=300, verbose_name="Street address")
    city = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20, verbose_name="Postal code")
    country = models.CharField(max_length=100)

    class Meta:
        verbose_name_plural = "saved addresses"

    def __str__(self):
        return f"{self.full_name}, {self.city}"

    def as_shipping(self) -> dict[str, str]:
        return {
            name: getattr(self, name) for name in ("full_name", "address", "city", "postal_code", "country")
        }
