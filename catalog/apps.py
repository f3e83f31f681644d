from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """The catalog: categories and products, and their pages."""

    name = "catalog"

    def ready(self):
        from . import receivers  # noqa: F401  (a saved product or category renews the kept pages)
