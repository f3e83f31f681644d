"""
Fixtures for the session contract: Django's, and ours on top of it.

The store is the one settings.SESSION_ENGINE names, so these tests follow
the engine wherever it lives (accounts.sessions today, session_state next).
"""

import time
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY

from .helpers import LISTED_USER_ID
from .names import LOGIN_AT, PUBLIC_ID, user_sessions


@pytest.fixture
def SessionStore():
    return import_module(settings.SESSION_ENGINE).SessionStore


@pytest.fixture
def listed_session(SessionStore):
    """
    A logged-in session in its user's list, set up the way login does it
    (django.contrib.auth.login, then accounts.receivers.record_session),
    for a user id only: no database, so async tests can use it too.
    """
    store = SessionStore()
    store[SESSION_KEY] = str(LISTED_USER_ID)
    store.cycle_key()  # what login() does: the session gets a logged-in key
    public_id = user_sessions.new_public_id()
    store.update({PUBLIC_ID: public_id, LOGIN_AT: time.time()})
    user_sessions.add(user_id=LISTED_USER_ID, public_id=public_id, session_key=store.session_key)
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
