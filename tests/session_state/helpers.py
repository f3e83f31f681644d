"""Keys and values to try the store with, and a look at what it keeps in Redis."""

import json
import time
from importlib import import_module

from django.conf import settings
from django.core.cache import caches

from .names import ANONYMOUS_MARK, LOGIN_AT

# Well formed (32 characters, a mark, then 31 of Django's VALID_KEY_CHARS),
# but naming no session.
UNKNOWN_KEY = ANONYMOUS_MARK + "0" * 31

# Keys the store could never have issued.
MALFORMED_KEYS = {
    "empty": "",
    "one character": "1",
    "someunknownkey": "someunknownkey",  # Django's own test of an unknown key
    "overlong": ANONYMOUS_MARK + "0" * 200,
    "one short": ANONYMOUS_MARK + "0" * 30,
    "no mark": "x" + "0" * 31,
    "upper case": ANONYMOUS_MARK.upper() + "0" * 31,
    "not a key character": ANONYMOUS_MARK + "0" * 30 + "!",
}

# Values JSON holds as they are, and values it cannot hold.
JSON_VALUES = {
    "str": "text",
    "unicode": "ünïcødé ✓",
    "int": 42,
    "float": 1.5,
    "bool": True,
    "none": None,
    "list": [1, "two", [3]],
    "dict": {"nested": {"deep": [1, 2]}},
}

NOT_JSON = {"object": object(), "set": {1, 2}, "bytes": b"bytes"}

# A store with no key draws one at random when it needs one, so one try of
# a rule about such keys may pass by luck; this many tries leave luck out.
FRESH_STORES = 20

# The user of the listed_session fixture (a user id only: no user in the database).
LISTED_USER_ID = 7


def redis_key(store) -> str:
    """Where Redis keeps the store's session (the store must have a key)."""
    return caches[settings.SESSION_CACHE_ALIAS].make_key(store.cache_key)


def redis_key_for(session_key: str) -> str:
    """Where Redis would keep a session of this key."""
    prefix = import_module(settings.SESSION_ENGINE).SessionStore.cache_key_prefix
    return caches[settings.SESSION_CACHE_ALIAS].make_key(prefix + session_key)


def stored(redis_client, store) -> dict | None:
    """The session as Redis holds it, or None."""
    raw = redis_client.get(redis_key(store))
    return None if raw is None else json.loads(raw)


def backdate_login(redis_client, store, seconds_ago: float) -> None:
    """In Redis, as if the session's login had been seconds_ago, its time to live untouched."""
    data = stored(redis_client, store)
    data[LOGIN_AT] = time.time() - seconds_ago
    redis_client.set(redis_key(store), json.dumps(data), keepttl=True)
