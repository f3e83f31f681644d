"""
Fixtures for the session contract: Django's, and ours on top of it.

The store is the one settings.SESSION_ENGINE names, so these tests follow
the engine wherever it lives.
"""

import time
from importlib import import_module

import pytest
import redis
from django.conf import settings
from django.contrib.auth import SESSION_KEY

from tests.redis_cluster import start_lone_cluster_node
from tests.waiting import within

from .helpers import LISTED_TAG
from .names import LOGIN_AT, PUBLIC_ID, index


@pytest.fixture
def SessionStore():
    return import_module(settings.SESSION_ENGINE).SessionStore


@pytest.fixture
def listed_session(SessionStore):
    """
    A logged-in session in its user's list, set up the way login does it
    (django.contrib.auth.login, then session_state.receivers), for a user's
    tag only: no database, so async tests can use it too.
    """
    store = SessionStore()
    store.create()
    store.cycle_key()  # what login() does first: a new id
    public_id = index.new_public_id()
    store.update({SESSION_KEY: "7", PUBLIC_ID: public_id, LOGIN_AT: time.time()})
    store.bind_to_user(tag=LISTED_TAG, public_id=public_id)
    store.save()
    return store


@pytest.fixture
def store(SessionStore):
    """A new session holding {"x": 1}, as yet neither accessed nor modified."""
    store = SessionStore()
    store["x"] = 1
    store.modified = store.accessed = False
    return store


@pytest.fixture
def saved(SessionStore):
    """A new session holding {"a": "c", "b": "d"}, saved."""
    store = SessionStore()
    store.update({"a": "c", "b": "d"})
    store.save()
    return store


@pytest.fixture(scope="module")
def keyslot_of(tmp_path_factory):
    """keyslot_of(key): the slot Redis Cluster puts the key in, as a cluster node itself says (CLUSTER KEYSLOT)."""
    node = start_lone_cluster_node(tmp_path_factory.mktemp("keyslot-node"))
    client = redis.Redis(port=node.port, decode_responses=True)
    assert within(5, lambda: _answers(client)) is not None, "the cluster node did not start"
    yield lambda key: client.execute_command("CLUSTER KEYSLOT", key)
    client.close()
    node.terminate()
    node.wait(timeout=10)


def _answers(client) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False
