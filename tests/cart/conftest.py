import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from shop.models import Category, Product


@pytest.fixture
def client():
    # What nginx adds to every request: the client's address in X-Real-IP.
    return Client(headers={"X-Real-IP": "203.0.113.30"})


@pytest.fixture
def kitchen(db):
    return Category.objects.create(name="Kitchen", slug="kitchen")


@pytest.fixture
def mug(kitchen):
    return Product.objects.create(category=kitchen, name="Camp mug", slug="camp-mug", price="14.50", stock=500)


@pytest.fixture
def board(kitchen):
    return Product.objects.create(category=kitchen, name="Walnut board", slug="walnut-board", price="48.00", stock=3)


@pytest.fixture
def kettle(kitchen):
    return Product.objects.create(category=kitchen, name="Copper kettle", slug="copper-kettle", price="89.00", stock=0)


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username="erin", password="erin-password-1")


@pytest.fixture
def logged_in_client(client, user):
    client.post("/accounts/login/", {"username": "erin", "password": "erin-password-1"})
    return client


def add(client, product, quantity=None, **extra):
    data = {} if quantity is None else {"quantity": quantity}
    return client.post(f"/cart/add/{product.pk}/", {**data, **extra})


def summary(client):
    return client.get("/cart/summary/").json()
