from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from shop.demo import DEMO_EMAIL, DEMO_PASSWORD, DEMO_USERNAME
from shop.models import Product

PRODUCTS = [
    ("Enamel camp mug", "A 350 ml enamel mug that survives the campfire.", "14.50"),
    ("Linen tea towel", "Stonewashed linen, 50 x 70 cm.", "12.00"),
    ("Walnut cutting board", "Oiled walnut, end grain, 30 x 20 cm.", "48.00"),
    ("Beeswax candle", "Hand-poured, burns for 40 hours.", "18.00"),
    ("Wool throw", "Undyed merino, 130 x 170 cm.", "89.00"),
    ("Ceramic planter", "Glazed stoneware with a drainage dish.", "26.00"),
]


class Command(BaseCommand):
    help = "Load the demo products and the demo user. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        for name, description, price in PRODUCTS:
            Product.objects.get_or_create(
                slug=name.lower().replace(" ", "-"),
                defaults={"name": name, "description": description, "price": Decimal(price)},
            )
        user_model = get_user_model()
        if not user_model.objects.filter(username=DEMO_USERNAME).exists():
            user_model.objects.create_user(
                username=DEMO_USERNAME, email=DEMO_EMAIL, password=DEMO_PASSWORD
            )
        self.stdout.write(f"Demo data ready; demo user {DEMO_USERNAME!r} / {DEMO_PASSWORD!r}.")
