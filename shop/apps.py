from django.apps import AppConfig


class ShopConfig(AppConfig):
    """The project package: settings, URLs, the catalog and the pages around it."""

    name = "shop"

    def ready(self):
        from . import checks  # noqa: F401  (registers the Redis checks)
