from django.apps import AppConfig


class CartConfig(AppConfig):
    """The cart, in Redis beside the session that names it: request.cart, its pages, merging at login."""

    name = "cart"

    def ready(self):
        from . import receivers  # noqa: F401  (merges the visitor's cart at login)
