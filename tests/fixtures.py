"""
Fixtures every folder of the suite may use (tests/conftest.py loads them
as a plugin): a small catalog in the test database.
"""

import pytest

from catalog.models import Category, Product


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
def product(kitchen):
    return Product.objects.create(category=kitchen, name="Enamel camp mug", slug="enamel-camp-mug", price="14.50", stock=5)
