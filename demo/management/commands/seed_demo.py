from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from catalog.models import Category, Product
from demo.data import CATALOG, DEMO_EMAIL, DEMO_PASSWORD, DEMO_USERNAME, slugify


class Command(BaseCommand):
    help = "Load the demo catalog and the demo user. Safe to run again: nothing that exists is changed."

    @transaction.atomic
    def handle(self, *args, **options):
        for (category_name, category_description), products in CATALOG.items():
            category, _created = Category.objects.get_or_create(
                slug=slugify(category_name),
                defaults={"name": category_name, "description": category_description},
            )
            for name, description, price, stock in products:
                Product.objects.get_or_create(
                    slug=slugify(name),
                    defaults={
                        "category": category,
                        "name": name,
                        "description": description,
                        "price": Decimal(price),
                        "stock": stock,
                        "image": f"shop/products/{slugify(name)}.svg",
                    },
                )
        user_model = get_user_model()
        if not user_model.objects.filter(username=DEMO_USERNAME).exists():
            user_model.objects.create_user(username=DEMO_USERNAME, email=DEMO_EMAIL, password=DEMO_PASSWORD)
        self.stdout.write(f"Demo data ready; demo user {DEMO_USERNAME!r} / {DEMO_PASSWORD!r}.")
