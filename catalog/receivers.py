"""Saving or deleting a product or a category changes the catalog's pages, on every worker."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Category, Product
from .services import catalog_changed


@receiver(post_save, sender=Product, dispatch_uid="catalog.product_saved")
@receiver(post_delete, sender=Product, dispatch_uid="catalog.product_deleted")
@receiver(post_save, sender=Category, dispatch_uid="catalog.category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="catalog.category_deleted")
def page_content_changed(sender, **kwargs):
    """
    Whatever saved it: the admin (one product's form, or the price and
    stock columns of its list), a management command, the shell. After the
    row is written, in its transaction (catalog.services.catalog_changed).
    """
    catalog_changed()
