"""
The catalog's version (catalog.models.CatalogVersion): its one row, made
here, so that the pages are kept from the first request on. Should it ever
be missing (a flushed database), nothing is kept until the next change
makes it again (catalog.services.catalog_changed).
"""

import uuid

from django.db import migrations, models


def make_the_row(apps, schema_editor):
    CatalogVersion = apps.get_model("catalog", "CatalogVersion")
    CatalogVersion.objects.get_or_create(pk=1, defaults={"token": uuid.uuid4()})


class Migration(migrations.Migration):
    dependencies = (("catalog", "0002_rows_from_before_the_split"),)

    operations = (
        migrations.CreateModel(
            name="CatalogVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.UUIDField(default=uuid.uuid4)),
            ],
        ),
        migrations.RunPython(make_the_row, migrations.RunPython.noop),
    )
