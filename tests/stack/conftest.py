"""Fixtures for the tests that drive the real stack (tests/conftest.py starts it) over HTTPS."""

import itertools

import pytest
import redis

from tests.stack.products import create_test_products
from tests.stack.shopper import Shopper


@pytest.fixture
def stack_redis(stack):
    client = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    yield client
    client.close()


@pytest.fixture
def shopper(stack):
    return Shopper(stack)


@pytest.fixture
def new_shopper(stack):
    """Make more shoppers, each from an address of its own."""
    return lambda address=None: Shopper(stack, address)


_usernames = (f"shopper{n}" for n in itertools.count(1))


@pytest.fixture
def account(shopper):
    """A fresh account on the stack (username, password), registered and logged out."""
    username, password = next(_usernames), "sturdy-kettle-93"
    Shopper(shopper.stack).register(username, password)
    return username, password


@pytest.fixture(scope="session")
def api_stack(start_stack):
    """
    The API's stack (tests/stack/test_api*.py): two app servers of two
    workers each, access tokens that live 10 s and a reuse grace of 3 s, and
    products of its own, so that what the fuzzer orders takes no stock from
    other tests.
    """
    stack = start_stack(
        "api-stack",
        workers=2,
        app_servers=2,
        extra_env={
            "API_ACCESS_TOKEN_LIFETIME": "10",
            "API_REFRESH_REUSE_GRACE": "3",
            "REGISTRATIONS_PER_ADDRESS": "1000",
        },
    )
    return stack


@pytest.fixture(scope="session")
def api_products(api_stack):
    return create_test_products(api_stack)
