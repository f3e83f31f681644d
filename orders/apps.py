from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """Checkout and orders: a cart turned into an order, once, in one transaction."""

    name = "orders"
