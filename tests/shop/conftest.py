import pytest
from django.contrib.auth import get_user_model

from shop.models import Category, Product


@pytest.fixture
def product(db):
    kitchen = Category.objects.create(name="Kitchen", slug="kitchen")
    return Product.objects.create(category=kitchen, name="Enamel camp mug", slug="enamel-camp-mug", price="14.50", stock=5)


@pytest.fixture
def logged_in_client(client, db):
    client.force_login(get_user_model().objects.create_user(username="dana", password="x"))
    return client
