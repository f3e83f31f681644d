from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """The catalog: categories and products, and their pages."""

    name = "catalog"
