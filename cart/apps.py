from django.apps import AppConfig


class CartConfig(AppConfig):
    """The cart (in Redis), checkout and orders."""

    name = "cart"
