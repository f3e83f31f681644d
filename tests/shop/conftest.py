import pytest
from django.contrib.auth import get_user_model

from shop.models import Product


@pytest.fixture
def product(db):
    return Product.objects.create(name="Enamel camp mug", slug="enamel-camp-mug", price="14.50")


@pytest.fixture
def logged_in_client(client, db):
    client.force_login(get_user_model().objects.create_user(username="dana", password="x"))
    return client
