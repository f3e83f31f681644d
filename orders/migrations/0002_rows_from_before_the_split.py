"""
Orders lived in the cart app until the apps were split: a database from
before keeps them in cart_order and cart_orderline. They are copied here
once, ids kept; the old tables are left as they were.
"""

from django.core.management.color import no_style
from django.db import migrations


def copy_rows_from_before_the_split(apps, schema_editor):
    connection = schema_editor.connection
    Order = apps.get_model("orders", "Order")
    OrderLine = apps.get_model("orders", "OrderLine")
    if "cart_order" not in connection.introspection.table_names() or Order.objects.exists():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders_order"
            " (id, user_id, created_at, checkout_token, full_name, address, city, postal_code, country, total)"
            " SELECT id, user_id, created_at, checkout_token, full_name, address, city, postal_code, country, total"
            " FROM cart_order"
        )
        cursor.execute(
            "INSERT INTO orders_orderline (id, order_id, product_id, product_name, unit_price, quantity)"
            " SELECT id, order_id, product_id, product_name, unit_price, quantity FROM cart_orderline"
        )
        for statement in connection.ops.sequence_reset_sql(no_style(), [Order, OrderLine]):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = (("orders", "0001_initial"), ("catalog", "0002_rows_from_before_the_split"))

    operations = (migrations.RunPython(copy_rows_from_before_the_split, migrations.RunPython.noop),)
