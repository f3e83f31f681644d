"""The fingerprint of the request an API order's Idempotency-Key came with (api.idempotency)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = (("orders", "0003_order_idempotency_key"),)

    operations = (
        migrations.AddField(
            model_name="order",
            name="idempotency_fingerprint",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
    )
