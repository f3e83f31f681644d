"""The API's Idempotency-Key on orders; and the models' ordering, which 0001 did not record."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = (
        ("orders", "0002_rows_from_before_the_split"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    )

    operations = (
        migrations.AlterModelOptions(name="order", options={"ordering": ("-created_at", "-pk")}),
        migrations.AlterModelOptions(name="orderline", options={"ordering": ("pk",)}),
        migrations.AddField(
            model_name="order",
            name="idempotency_key",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.UniqueConstraint(
                condition=models.Q(("idempotency_key", ""), _negated=True),
                fields=("user", "idempotency_key"),
                name="one_order_per_idempotency_key",
            ),
        ),
    )
