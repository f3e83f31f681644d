from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """The catalog: categories and products, their pages, and the demo data."""

    name = "catalog"
