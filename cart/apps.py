from django.apps import AppConfig


class CartConfig(AppConfig):
    """The cart (in Redis), checkout and orders."""

    name = "cart"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the merge at login)
