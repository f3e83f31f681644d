"""
The session engine (SESSION_ENGINE = "accounts.sessions").

Django's cache backend on the django-redis "sessions" alias, changed in the
two places where it falls short for Redis:

- It must tell "Redis is down" apart from "no such session". Django's
  backend treats any cache error as a missing session and starts a new one,
  which during a Redis outage logs everybody out.
- It spends a round trip more than it needs on every save and every new
  session: Redis can create-if-absent (SET NX) and update-if-present
  (SET XX) in one command.
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore
from django.utils.crypto import get_random_string


class SessionStore(CacheSessionStore):
    """Sessions in Redis, as JSON, with a TTL of the session's lifetime."""

    # Keys read "shop:1:session:<key>" in Redis (django-redis adds the alias's
    # KEY_PREFIX and version), plain enough to find with redis-cli.
    cache_key_prefix = "session:"

    def load(self):
        # Unlike Django's backend (which catches every exception here, see
        # ticket #17810), let Redis's errors through (django-redis raises
        # redis.exceptions.ConnectionError, TimeoutError, ...): the middleware answers 503 and keeps the cookie, and the
        # session is there again once Redis is.
        session_data = self._cache.get(self.cache_key)
        if session_data is not None:
            return session_data
        self._session_key = None
        return {}

    def create(self):
        # SET NX both reserves the key and detects a collision; Django's
        # backend first asks EXISTS for every new key, a second round trip.
        for _attempt in range(100):
            self._session_key = get_random_string(32, VALID_KEY_CHARS)
            try:
                self.save(must_create=True)
            except CreateError:
                continue
            self.modified = True
            return
        raise RuntimeError("Unable to create a new session key.")

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        # SET XX updates only a session that still exists, where Django's
        # backend first GETs it: a session ended meanwhile (a logout in
        # another tab) must not be written back to life.
        stored = self._cache.set(
            self.cache_key,
            self._get_session(no_load=must_create),
            self.get_expiry_age(),
            nx=must_create,
            xx=not must_create,
        )
        if not stored:
            raise CreateError if must_create else UpdateError
