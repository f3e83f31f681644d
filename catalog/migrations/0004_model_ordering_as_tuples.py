"""
The models' ordering as they write it, a tuple: 0001 recorded a list, and
Django's autodetector tells the two apart (tests/shop/test_migrations.py).
No change to the database.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = (("catalog", "0003_catalog_version"),)

    operations = (
        migrations.AlterModelOptions(
            name="category",
            options={"ordering": ("name",), "verbose_name_plural": "categories"},
        ),
        migrations.AlterModelOptions(
            name="product",
            options={"ordering": ("name",)},
        ),
    )
