"""
Fixtures every folder of the suite may use (tests/conftest.py loads them
as a plugin): a shopper with an account, and a small catalog in the test
database.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from catalog.models import Category, Product
from session_state import revocations

PASSWORD = "correct-horse-battery"


@pytest.fixture
def client():
    # What nginx adds to every request: the client's address in X-Real-IP.
    return Client(headers={"X-Real-IP": "203.0.113.10"})


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(
        username="alice", email="alice@example.com", password=PASSWORD
    )


@pytest.fixture
def logged_in_client(client, user):
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    return client


@pytest.fixture
def kitchen(db):
    return Category.objects.create(name="Kitchen", slug="kitchen")


@pytest.fixture
def mug(kitchen):
    return Product.objects.create(
        category=kitchen, name="Camp mug", slug="camp-mug", price="14.50", stock=500
    )


@pytest.fixture
def board(kitchen):
    return Product.objects.create(
        category=kitchen, name="Walnut board", slug="walnut-board", price="48.00", stock=3
    )


@pytest.fixture
def kettle(kitchen):
    return Product.objects.create(
        category=kitchen, name="Copper kettle", slug="copper-kettle", price="89.00", stock=0
    )


@pytest.fixture
def product(kitchen):
    return Product.objects.create(
        category=kitchen, name="Enamel camp mug", slug="enamel-camp-mug", price="14.50", stock=5
    )


@pytest.fixture
def fresh_revocations_feed():
    """This process's revocations feed, started anew for the test on the suite's Redis (it outlives Redis's flush)."""
    revocations.restart_feed()
    yield
    revocations.restart_feed()
