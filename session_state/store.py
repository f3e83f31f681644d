"""
The session engine: SESSION_ENGINE = "session_state.store".

Sessions as JSON in Redis, one key each (session_state.keys), written and
read straight through redis-py, with Django's SessionBase contract kept in
full, its async half included (SessionBase runs each async method as its
sync one in a thread, so both keep the same rules). Where it differs from
Django's cache backend, and why:

- Redis being down is not "no session". Django's backend treats any cache
  error as a missing session and starts a new one (ticket #17810), which
  during a Redis outage logs everybody out. Here Redis's errors go through:
  the middleware answers 503 and keeps the cookie.
- One round trip per write: a new session is SET NX alone (Django's asks
  EXISTS first), a changed one SET XX alone (Django's GETs it first). XX
  also keeps a session ended elsewhere from being written back to life.
- Two timeouts: idle (SESSION_IDLE_TIMEOUT, the key's TTL, slid with use by
  the middleware) and absolute (SESSION_ABSOLUTE_TIMEOUT after login). The
  TTL never reaches past the absolute timeout, so Redis itself expires a
  session at the earlier of the two, and scripts that only ask whether a
  session exists need to know neither rule.
- Strict ids: mark, owner tag and secret (session_state.keys). A cookie
  that is not an id the shop could have made is no session, without asking
  Redis; an unknown one starts an empty session under a new id (never the
  one presented: no fixation).
- A request whose logged-in session has ended (expired, or ended from
  another device) is told apart from a first visit (`ended`), so that the
  page can say so.
"""

import time
from enum import IntEnum

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.sessions.backends.base import CreateError, SessionBase, UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted

from . import index, keys, user_records
from .connection import redis_client, wait_for_a_replica
from .fields import LOGIN_AT, PUBLIC_ID, SEEN_AT, SESSION_EXPIRY, decode, encode
from .lua import LuaScript


class MoveAnswer(IntEnum):
    MOVED = 1
    ENDED = 0  # the session was ended meanwhile
    TAKEN = -1  # the new id is taken: draw another


def _under_a_new_id(write, new_id) -> str:
    """
    write(id) with fresh ids until one is free (write answers False when it
    is taken: SET NX, which reserves the id and detects the collision that
    165 random bits make vanishingly rare in one step); the id written.
    """
    for _attempt in range(100):
        candidate = new_id()
        if write(candidate):
            return candidate
    raise RuntimeError("Unable to create a new session key.")


_SAVE = LuaScript(__file__, "save.lua")
_CYCLE = LuaScript(__file__, "cycle.lua", codes=MoveAnswer)
_MOVE_LISTED = LuaScript(__file__, "move_listed.lua", codes=MoveAnswer)


def slide_interval() -> float:
    """How long after "last seen" a request slides the idle timeout again (SessionStore.is_due_for_refresh)."""
    return min(settings.SESSION_COOKIE_AGE / 10, 60)


def past_absolute_timeout(data: dict) -> bool:
    login_at = data.get(LOGIN_AT)
    return login_at is not None and time.time() >= login_at + settings.SESSION_ABSOLUTE_TIMEOUT


class SessionStore(SessionBase):
    """Sessions in Redis, as JSON, with idle and absolute timeouts."""

    def __init__(self, session_key=None):
        super().__init__(session_key)
        # Set by load(): the logged-in session this request presented has
        # ended (idle or absolute timeout, or ended by the user or an admin).
        self.ended = False
        # The tag of the visitor whose session this was before cycle_key()
        # gave it a new id (at login): what the visitor owned is found by it.
        self.previous_visitor_tag = None
        # What a logged-in session's user is, as read with the session
        # (session_state.user_records); None when there was none to read.
        self.user_record = None
        # Set by load(): the id this request presented named no session
        # (any id: a visitor's that timed out, too), for the session lab.
        self.presented_gone = False
        # Set by session_state.sessions for this request only, never stored:
        # the user typed their password ("re-authenticated", "password
        # changed"), for the session lab.
        self.password_event = None

    # --- Ids ---------------------------------------------------------------

    def _validate_session_key(self, key):
        return keys.is_session_id(key)

    def _get_new_session_key(self):
        # No EXISTS first (Django's asks): create() writes with SET NX, which
        # both reserves the id and detects the collision that 165 random
        # bits make vanishingly rare.
        return keys.new_session_id(mark=keys.ANONYMOUS_MARK, tag=keys.new_tag())

    async def _aget_new_session_key(self):
        return self._get_new_session_key()

    # Each reads session_key once (a property of Django's): asked several
    # times on every request.

    @property
    def owner_tag(self) -> str | None:
        """The tag of whoever owns this session (a user or a visitor); None before it has an id."""
        session_id = self.session_key
        return None if session_id is None else keys.tag_of(session_id)

    @property
    def is_logged_in_session(self) -> bool:
        """Whether this session's id is a logged-in one (Django decides whether its user still stands)."""
        session_id = self.session_key
        return session_id is not None and keys.is_logged_in_id(session_id)

    @property
    def redis_key(self) -> str | None:
        """The session's key in Redis, for a script that reads it with its own work (adopt())."""
        session_id = self.session_key
        return None if session_id is None else keys.session(session_id)

    @property
    def user_record_key(self) -> str | None:
        """The key of the record of the session's user, read with it (a visitor's names none that exists)."""
        session_id = self.session_key
        return None if session_id is None else keys.user_record(keys.tag_of(session_id))

    # --- Reading -------------------------------------------------------------

    def load(self):
        if self.session_key is None:
            return {}
        # Redis's errors go through (ConnectionError, TimeoutError, ...).
        if not self.is_logged_in_session:
            return self._accept(redis_client().get(keys.session(self.session_key)))
        # A logged-in session with its user's record, in the same round trip.
        stored, record = redis_client().mget([self.redis_key, self.user_record_key])
        self.user_record = user_records.decode(record, tag=self.owner_tag)
        return self._accept(stored)

    def load_now(self) -> None:
        """Read the session now, if it has not been read yet (and let a Redis error through now)."""
        self._get_session()

    @property
    def loaded(self) -> bool:
        return hasattr(self, "_session_cache")

    def adopt(self, stored: bytes | None, record: bytes | None = None) -> None:
        """
        Take this session as another script read it (its first answer), and
        its user's record (its second), instead of loading them.

        For a script that reads the session along with its own work (a
        cart's count for a page's header, an add to a cart), so that the
        request costs one round trip instead of two. Only before the session
        has been read; the checks of load() apply all the same.
        """
        if self.loaded:
            raise RuntimeError("This session has been read already.")
        self.user_record = (
            user_records.decode(record, tag=self.owner_tag) if self.is_logged_in_session else None
        )
        self._session_cache = self._accept(stored)

    def _accept(self, stored: bytes | None) -> dict:
        data = decode(stored)
        if data is not None and not past_absolute_timeout(data):
            return data
        if data is not None:
            # The TTL keeps to the absolute timeout: a clock that has jumped.
            self._end(self.session_key, data)
        self.ended = keys.is_logged_in_id(self.session_key)
        self.presented_gone = self.session_key is not None
        self._session_key = None
        return {}

    def exists(self, session_key):
        return keys.is_session_id(session_key) and bool(redis_client().exists(keys.session(session_key)))

    # --- Writing -------------------------------------------------------------

    def create(self):
        def write(new_id):
            self._session_key = new_id
            try:
                self.save(must_create=True)
            except CreateError:
                return False
            return True

        _under_a_new_id(write, self._get_new_session_key)
        self.modified = True

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)
        if self.session_key is None:
            # Read only now, and found gone (or never ours): a new session,
            # never one under the id presented.
            return self.create()
        named = [] if self.is_logged_in_session else keys.named_by_visitor(self.owner_tag)
        stored = _SAVE(
            client=redis_client(),
            keys=[keys.session(self.session_key), *named],
            args=[encode(data), self.ttl_ms(), "NX" if must_create else "XX"],
        )
        if not stored:
            raise CreateError if must_create else UpdateError

    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        if keys.is_session_id(session_key):
            redis_client().delete(keys.session(session_key))

    def cycle_key(self):
        """
        A new id, the data kept, the old id gone, in one step (Django calls it
        at login; re-authentication and password changes do too). The owner's
        mark and tag stay: a visitor's session that logs in keeps its cart
        until session_state.receivers binds it to the user's tag; a listed
        session moves with its index entry. A session ended meanwhile (on
        another worker) stays ended: SessionInterrupted.
        """
        data = self._session  # first: reading checks the id, and forgets one that names no session
        old_id = self.session_key
        if old_id is None:
            return super().cycle_key()
        if not keys.is_logged_in_id(old_id):
            self.previous_visitor_tag = keys.tag_of(old_id)
        new_id = _under_a_new_id(
            lambda new_id: self._move(old_id, new_id, data),
            lambda: keys.new_session_id(mark=old_id[0], tag=keys.tag_of(old_id)),
        )
        self._session_key, self._session_cache, self.modified = new_id, data, True

    def _move(self, old_id: str, new_id: str, data: dict) -> bool:
        """Write data under new_id and delete old_id; False if new_id is taken."""
        public_id = data.get(PUBLIC_ID)
        if keys.is_logged_in_id(old_id) and public_id:
            answer = _MOVE_LISTED(
                client=redis_client(),
                keys=[keys.user_sessions(keys.tag_of(old_id)), keys.session(old_id), keys.session(new_id)],
                args=[public_id, old_id, new_id, encode(data), max(1, self.ttl_ms())],
            )
        else:
            answer = _CYCLE(
                client=redis_client(),
                keys=[keys.session(old_id), keys.session(new_id)],
                args=[encode(data), max(1, self.ttl_ms())],
            )
        if answer == MoveAnswer.ENDED:
            raise SessionInterrupted("This session was ended elsewhere while its id was being renewed.")
        if answer == MoveAnswer.MOVED and keys.is_logged_in_id(new_id):
            # A visitor's new id lives only until bind_to_user replaces it, which waits itself.
            wait_for_a_replica(key=keys.session(new_id))
        return answer == MoveAnswer.MOVED

    def bind_to_user(self, *, tag: str, public_id: str) -> None:
        """
        Give the session an id with its user's tag, listed in the user's
        index under public_id (session_state.receivers, at login). The
        session's user fields must be set already: its TTL comes from them.
        """
        old_id, data = self.session_key, self._session
        new_id = _under_a_new_id(
            lambda new_id: index.bind(
                tag=tag,
                public_id=public_id,
                session_id=new_id,
                data=encode(data),
                ttl_ms=max(1, self.ttl_ms()),
            ),
            lambda: keys.new_session_id(mark=keys.LOGGED_IN_MARK, tag=tag),
        )
        self._session_key, self._session_cache, self.modified = new_id, data, True
        # A different tag, so another slot: a command of its own. Should it
        # fail, the request fails and the browser never learns the new id;
        # the old one holds the data it had before login, and expires.
        if old_id is not None:
            self.delete(old_id)

    def flush(self):
        # Django's logout() (and its get_user(), refusing a session) end a
        # session here.
        data = dict(self._session)
        self.clear()
        if self.session_key is not None:
            self._end(self.session_key, data)
        self._session_key = None

    def _end(self, session_id: str, data: dict) -> None:
        """Delete the session; a listed one with its index entry, in one step."""
        public_id = data.get(PUBLIC_ID)
        if keys.is_logged_in_id(session_id) and public_id:
            index.end_listed(tag=keys.tag_of(session_id), listed={public_id: session_id})
        else:
            self.delete(session_id)

    async def aflush(self):
        return await sync_to_async(self.flush)()

    async def acycle_key(self):
        # SessionBase's would be acreate() then adelete(): not the same rules.
        return await sync_to_async(self.cycle_key)()

    @classmethod
    def clear_expired(cls):
        # Redis expires sessions by their TTL: nothing to sweep.
        return None

    @classmethod
    async def aclear_expired(cls):
        return None

    # --- Timeouts ------------------------------------------------------------

    def get_session_cookie_age(self):
        # The idle timeout, but never past the absolute one (to the second;
        # ttl_ms() gives Redis the same to the millisecond).
        login_at = self.get(LOGIN_AT)
        if login_at is None:
            return settings.SESSION_COOKIE_AGE
        remaining = int(login_at + settings.SESSION_ABSOLUTE_TIMEOUT - time.time())
        return max(1, min(settings.SESSION_COOKIE_AGE, remaining))

    def ttl_ms(self) -> int:
        """
        The session's TTL in Redis, in milliseconds: its expiry age, but
        never past the absolute timeout, to the millisecond (so that Redis
        expires it then, and a script that only asks whether it exists
        needs no rule of its own). None or less: it has expired already.
        """
        custom_expiry = self.get(SESSION_EXPIRY)
        ttl = (self.get_expiry_age() if custom_expiry else settings.SESSION_COOKIE_AGE) * 1000
        login_at = self.get(LOGIN_AT)
        if login_at is not None:
            ttl = min(ttl, int((login_at + settings.SESSION_ABSOLUTE_TIMEOUT - time.time()) * 1000))
        return ttl

    async def aget_expiry_age(self, **kwargs):
        if "expiry" not in kwargs:  # given one, SessionBase reads nothing
            await self._aget_session()  # here, not by a blocking read in get_session_cookie_age()
        return self.get_expiry_age(**kwargs)

    async def aget_expiry_date(self, **kwargs):
        if "expiry" not in kwargs:
            await self._aget_session()
        return self.get_expiry_date(**kwargs)

    def is_due_for_refresh(self) -> bool:
        """
        Whether this request should slide the idle timeout (and record "last seen").

        Not on every request: that would be a Redis write per page view. Only
        once a tenth of the idle timeout (at most a minute) has passed since
        the last refresh, so the idle timeout is accurate to that much.
        """
        return time.time() - self.get(SEEN_AT, 0) >= slide_interval()

    def note_activity(self) -> None:
        """Slide the idle timeout, if it is due: the session is saved, its TTL renewed."""
        if self.modified or self.is_due_for_refresh():
            self[SEEN_AT] = time.time()
