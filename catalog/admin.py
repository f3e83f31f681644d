from typing import ClassVar

from django.contrib import admin

from .models import Category, Product


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields: ClassVar[dict] = {"slug": ("name",)}


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "price", "stock")
    list_editable = ("price", "stock")
    list_filter = ("category",)
    prepopulated_fields: ClassVar[dict] = {"slug": ("name",)}
    search_fields = ("name",)
