from django.contrib import admin

from .models import Order, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    readonly_fields = ("product", "product_name", "unit_price", "quantity")
    can_delete = False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("pk", "user", "created_at", "total", "city", "country")
    list_filter = ("created_at", "country")
    search_fields = ("user__username", "full_name", "pk")
    readonly_fields = ("user", "created_at", "checkout_token", "total")
    inlines = (OrderLineInline,)
