from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command

from catalog.models import Category, Product
from demo.data import DEMO_PASSWORD, DEMO_USERNAME


def test_the_demo_catalog_has_at_least_24_products_in_at_least_4_categories(db):
    call_command("seed_demo", stdout=StringIO())

    assert Product.objects.count() >= 24
    assert Category.objects.filter(products__isnull=False).distinct().count() >= 4


def test_every_demo_product_has_a_picture_that_ships_with_the_code(db):
    call_command("seed_demo", stdout=StringIO())

    static = Path(settings.STATICFILES_DIRS[0])
    assert all((static / product.image).is_file() for product in Product.objects.all())


def test_the_demo_catalog_shows_something_out_of_stock(db):
    call_command("seed_demo", stdout=StringIO())

    assert Product.objects.filter(stock=0).exists()


def test_the_demo_user_can_log_in(db):
    call_command("seed_demo", stdout=StringIO())

    assert authenticate(username=DEMO_USERNAME, password=DEMO_PASSWORD) is not None


def test_seeding_twice_changes_nothing(db):
    call_command("seed_demo", stdout=StringIO())
    Product.objects.filter(slug="enamel-camp-mug").update(stock=7)

    call_command("seed_demo", stdout=StringIO())

    assert Product.objects.get(slug="enamel-camp-mug").stock == 7
    assert Product.objects.count() == len({p.slug for p in Product.objects.all()})
