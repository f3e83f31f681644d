"""Keys and values to try the store with, and a look at what it keeps in Redis."""

import json
import time

from .names import ANONYMOUS_MARK, LOGIN_AT, keys

# Well formed (a mark, then a tag and a secret of Django's
# VALID_KEY_CHARS), but naming no session.
UNKNOWN_KEY = ANONYMOUS_MARK + "0" * (keys.SESSION_ID_LENGTH - 1)

# Keys the store could never have issued.
MALFORMED_KEYS = {
    "empty": "",
    "one character": "1",
    "someunknownkey": "someunknownkey",  # Django's own test of an unknown key
    "overlong": ANONYMOUS_MARK + "0" * 200,
    "one short": ANONYMOUS_MARK + "0" * (keys.SESSION_ID_LENGTH - 2),
    "no mark": "x" + "0" * (keys.SESSION_ID_LENGTH - 1),
    "upper case": ANONYMOUS_MARK.upper() + "0" * (keys.SESSION_ID_LENGTH - 1),
    "not a key character": ANONYMOUS_MARK + "0" * (keys.SESSION_ID_LENGTH - 2) + "!",
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

# The tag of the user of the listed_session fixture (no user in the
# database: the index and the sessions are named by the tag alone).
LISTED_TAG = "listed0user0"


def redis_key(store) -> str:
    """Where Redis keeps the store's session (the store must have a key)."""
    return keys.session(store.session_key)


def redis_key_for(session_key: str) -> str:
    """Where Redis would keep a session of this key."""
    return keys.session(session_key)


def stored(redis_client, store) -> dict | None:
    """The session as Redis holds it, or None."""
    raw = redis_client.get(redis_key(store))
    return None if raw is None else json.loads(raw)


def backdate_login(redis_client, store, seconds_ago: float) -> None:
    """In Redis, as if the session's login had been seconds_ago, its time to live untouched."""
    data = stored(redis_client, store)
    data[LOGIN_AT] = time.time() - seconds_ago
    redis_client.set(redis_key(store), json.dumps(data), keepttl=True)
