from django.apps import AppConfig


class CartConfig(AppConfig):
    """The cart and checkout."""

    name = "cart"
