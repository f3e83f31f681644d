"""
Fixtures for the session contract: Django's, and ours on top of it.

The store is the one settings.SESSION_ENGINE names, so these tests follow
the engine wherever it lives.
"""

import time
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY

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

