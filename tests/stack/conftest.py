"""Fixtures for the tests that drive the real stack (tests/conftest.py starts it) over HTTPS."""

import itertools

import pytest
import redis

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
