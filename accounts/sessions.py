"""
The session engine (SESSION_ENGINE = "accounts.sessions").

Django's cache backend on the django-redis "sessions" alias, changed where
it falls short for Redis and for OWASP ASVS level 3:

- It must tell "Redis is down" apart from "no such session". Django's
  backend treats any cache error as a missing session and starts a new one,
  which during a Redis outage logs everybody out.
- It spends a round trip more than it needs on every save and every new
  session: Redis can create-if-absent (SET NX) and update-if-present
  (SET XX) in one command.
- A session has an absolute lifetime from login (SESSION_ABSOLUTE_TIMEOUT)
  on top of the idle one (SESSION_IDLE_TIMEOUT, the key's TTL in Redis).
- A key that Redis could never have issued (tampered, oversized, malformed)
  is no session, without asking Redis.
- A request whose logged-in session has ended (expired, or ended from
  another device) is told apart from a first visit, so that the page can
  say so. Keys of logged-in sessions start with "u", anonymous ones with
  "a": a marker, not a secret (31 random characters, 160 bits, follow).
"""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore
from django.utils.crypto import get_random_string

from . import user_sessions
from .user_sessions import LOGIN_AT, PUBLIC_ID, SEEN_AT

ANONYMOUS_MARK = "a"
LOGGED_IN_MARK = "u"
_KEY_CHARS = frozenset(VALID_KEY_CHARS)


class SessionStore(CacheSessionStore):
    """Sessions in Redis, as JSON, with idle and absolute timeouts."""

    # Keys read "shop:1:session:<key>" in Redis (django-redis adds the alias's
    # KEY_PREFIX and version), plain enough to find with redis-cli.
    cache_key_prefix = "session:"

    def __init__(self, session_key=None):
        super().__init__(session_key)
        # Set by load(): the logged-in session this request presented has
        # ended (idle or absolute timeout, or ended by the user or an admin).
        self.ended = False
        self._next_key_mark = ANONYMOUS_MARK

    def _validate_session_key(self, key):
        return (
            isinstance(key, str)
            and len(key) == 32
            and key[0] in (ANONYMOUS_MARK, LOGGED_IN_MARK)
            and _KEY_CHARS.issuperset(key)
        )

    def load(self):
        # Unlike Django's backend (which catches every exception here, see
        # ticket #17810), let Redis's errors through (django-redis raises
        # redis.exceptions.ConnectionError, TimeoutError, ...): the middleware
        # answers 503 and keeps the cookie, and the session is there again
        # once Redis is.
        return self._accept(self._cache.get(self.cache_key))

    def adopt(self, stored: bytes | None) -> None:
        """
        Take this session as another Redis call read it, instead of loading it.

        For a Lua script that reads the session along with its own work (the
        cart's count for the header, an add to the cart), so that the request
        costs one round trip to Redis instead of two. stored is the value of
        redis_key as Redis returned it, or None. Only before the session has
        been read; the checks of load() apply all the same.
        """
        if self.loaded:
            raise RuntimeError("This session has been read already.")
        self._session_cache = self._accept(None if stored is None else self._cache.client.decode(stored))

    @property
    def loaded(self) -> bool:
        return hasattr(self, "_session_cache")

    @property
    def redis_key(self) -> str:
        """The session's key in Redis ("shop:1:session:<key>"), for scripts that read it."""
        return self._cache.make_key(self.cache_key)

    def _accept(self, session_data):
        if session_data is not None and not self._past_absolute_timeout(session_data):
            return session_data
        if session_data is not None:
            self.delete(self.session_key)
        self.ended = self.session_key.startswith(LOGGED_IN_MARK)
        self._session_key = None
        return {}

    @staticmethod
    def _past_absolute_timeout(session_data) -> bool:
        login_at = session_data.get(LOGIN_AT)
        return login_at is not None and time.time() >= login_at + settings.SESSION_ABSOLUTE_TIMEOUT

    def get_session_cookie_age(self):
        # The idle timeout, but never past the absolute one: the Redis TTL
        # and the cookie's Max-Age both come from here.
        login_at = self.get(LOGIN_AT)
        if login_at is None:
            return settings.SESSION_COOKIE_AGE
        remaining = int(login_at + settings.SESSION_ABSOLUTE_TIMEOUT - time.time())
        return max(1, min(settings.SESSION_COOKIE_AGE, remaining))

    def cycle_key(self):
        # Django cycles the key when the user logs in, re-authenticates or
        # changes their password: every time, the session is a logged-in one.
        self._next_key_mark = LOGGED_IN_MARK
        public_id, old_key = self.get(PUBLIC_ID), self.session_key
        if not (public_id and old_key):
            return super().cycle_key()
        # A session in the user's list moves to its new key in one atomic
        # step with its index entry: ended meanwhile from another device, it
        # must stay ended, not come back under the new key.
        data = self._session
        for _attempt in range(100):
            new_key = LOGGED_IN_MARK + get_random_string(31, VALID_KEY_CHARS)
            moved = user_sessions.move(
                user_id=self.get(SESSION_KEY),
                public_id=public_id,
                old_key=old_key,
                new_key=new_key,
                data=data,
                ttl=self.get_expiry_age(),
            )
            if moved == 1:
                self._session_key, self._session_cache, self.modified = new_key, data, True
                return
            if moved == 0:
                raise SessionInterrupted("This session was ended elsewhere while its key was being renewed.")
        raise RuntimeError("Unable to create a new session key.")

    def create(self):
        # SET NX both reserves the key and detects a collision; Django's
        # backend first asks EXISTS for every new key, a second round trip.
        for _attempt in range(100):
            self._session_key = self._next_key_mark + get_random_string(31, VALID_KEY_CHARS)
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
        # another tab, "end this session" from another device) must not be
        # written back to life.
        stored = self._cache.set(
            self.cache_key,
            self._get_session(no_load=must_create),
            self.get_expiry_age(),
            nx=must_create,
            xx=not must_create,
        )
        if not stored:
            raise CreateError if must_create else UpdateError

    def is_due_for_refresh(self) -> bool:
        """
        Whether this request should slide the idle timeout (and record "last seen").

        Not on every request: that would be a Redis write per page view. Only
        once a tenth of the idle timeout (at most a minute) has passed since
        the last refresh, so the idle timeout is accurate to that much.
        """
        seen_at = self.get(SEEN_AT, 0)
        interval = min(settings.SESSION_COOKIE_AGE / 10, 60)
        return time.time() - seen_at >= interval
