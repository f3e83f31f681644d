"""
The catalog lived in the project package's app ("shop") until the apps were
split: a database from before keeps its rows in shop_category and
shop_product. They are copied here once, ids kept (orders point at them);
the old tables are left as they were.
"""

from django.core.management.color import no_style
from django.db import migrations


def copy_rows_from_before_the_split(apps, schema_editor):
    connection = schema_editor.connection
    Category = apps.get_model("catalog", "Category")
    Product = apps.get_model("catalog", "Product")
    if "shop_product" not in connection.introspection.table_names() or Category.objects.exists():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO catalog_category (id, name, slug, description)"
            " SELECT id, name, slug, description FROM shop_category"
        )
        cursor.execute(
            "INSERT INTO catalog_product (id, category_id, name, slug, description, price, stock, image)"
            " SELECT id, category_id, name, slug, description, price, stock, image FROM shop_product"
        )
        for statement in connection.ops.sequence_reset_sql(no_style(), [Category, Product]):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = (("catalog", "0001_initial"),)

    operations = (migrations.RunPython(copy_rows_from_before_the_split, migrations.RunPython.noop),)
