"""
A session and its owner: the public API of session_state for a request's
session (`request.session`) and for a user's tag.

Called by the cart (whose cart a session owns, and reading the session in
one round trip with it: read_along), by accounts (the re-authentication
clock, the current session as its owner may see it) and by session_state's
own middleware and receivers. Nothing outside this package decodes a
session, builds one of its keys or names one of its fields; it calls these
instead. They take a session or a user, never the request.

With another engine than the shop's (SESSION_BACKEND, kept only for the
benchmark and the demos) the owner of a session is found from its data and
its user instead of its id, and what needs the shop's engine (reading a
session along with other work) does nothing.

A user's sessions are session_state.user_sessions'; API logins,
session_state.api_logins'; what the session lab reads,
session_state.inspection's.
"""

import functools
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from . import index, keys
from .connection import redis_client
from .fields import LOGIN_AT, PASSWORD_AT, PUBLIC_ID, SEEN_AT
from .lua import LuaScript
from .models import UserTag
from .store import SessionStore

__all__ = [
    "Owner",
    "claimed_owner",
    "describe",
    "ensure_owner",
    "is_ours",
    "note_password_entry",
    "owner_of",
    "public_id_of",
    "read_along",
    "reads_along",
    "record_password_entry",
    "seconds_since_password",
    "tag_of_user",
    "take_visitor_tag_before_login",
]

# Kept in the data of a session of another engine only: the shop's own
# carry their owner's tag in their id.
_VISITOR_TAG = "_visitor_tag"


@dataclass(frozen=True)
class Owner:
    """Whoever a session belongs to: a user, or an anonymous visitor; what they own is found by the tag."""

    tag: str
    is_user: bool


def tag_of_user(user) -> str:
    """The user's tag (session_state.keys): made at their first login, never changed."""
    cached = getattr(user, "_session_tag", None)
    if cached is None:
        cached = user._session_tag = UserTag.objects.get_or_create(user_id=user.pk)[0].tag
    return cached


def is_ours(session: SessionBase) -> bool:
    """Whether the session is the shop's engine's (SESSION_BACKEND can choose another, for comparisons)."""
    return isinstance(session, SessionStore)


def owner_of(session: SessionBase, *, user) -> Owner | None:
    """
    Whose the session is, once Django has checked its user; None for a
    visitor without a session yet, and for a session whose user Django
    refuses (deactivated or deleted: Django leaves such a session be, and
    it is no one's). Reads the session (and the user) if no one has yet.
    """
    logged_in = user.is_authenticated  # Django's checks first: a session it refuses may be flushed
    if is_ours(session):
        if session.session_key is None or session.is_logged_in_session != logged_in:
            return None
        return Owner(tag=session.owner_tag, is_user=logged_in)
    if logged_in:
        return Owner(tag=tag_of_user(user), is_user=True)
    tag = session.get(_VISITOR_TAG)
    return Owner(tag=tag, is_user=False) if tag else None


def claimed_owner(session: SessionStore) -> Owner:
    """
    Whose the session's id says it is, before anything has read it: for a
    script that reads the session along with what its owner owns
    (read_along). Not yet checked: the session may be gone, or Django may
    refuse its user; owner_of() answers once it is read.
    """
    return Owner(tag=session.owner_tag, is_user=session.is_logged_in_session)


def ensure_owner(session: SessionBase, *, user) -> Owner:
    """The session's owner, giving a visitor without one a session now (a Redis write)."""
    owner = owner_of(session, user=user)
    if owner is not None:
        return owner
    if is_ours(session):
        if session.session_key is not None:
            session.flush()  # a session whose user Django refuses: ended, not taken over
        session.save()  # creates one: the new id carries the visitor's tag
    else:
        session[_VISITOR_TAG] = keys.new_tag()
    return owner_of(session, user=user)


def read_along(session: SessionStore, *, script: LuaScript, its_keys: list[str], args: list) -> list:
    """
    Run a script that reads the session along with its own work, in one round trip.

    The script's KEYS[1] is the session's key and KEYS[2] the key of its
    user's record (session_state.user_records), which it may only read (GET
    or EXISTS); its own keys (its_keys) follow. Its first two answers must
    be the session and the record as stored (GET; the record only when the
    session exists), which the store takes as if it had loaded them
    (SessionStore.adopt: the same checks). The rest of its answer is
    returned. Only for a session of the
    shop's engine with an id and not read yet (reads_along()).
    """
    answer = script(
        client=redis_client(), keys=[session.redis_key, session.user_record_key, *its_keys], args=args
    )
    session.adopt(answer[0], answer[1])
    return answer[2:]


def reads_along(session: SessionBase) -> bool:
    """Whether read_along() can read this session: the shop's, with an id, not read yet."""
    return is_ours(session) and session.session_key is not None and not session.loaded


def take_visitor_tag_before_login(session: SessionBase) -> str | None:
    """
    The tag of the visitor whose session this was until it logged in during
    this request, so that what they owned can be given to the user (their
    cart, merged at login); once: a second call answers None.
    """
    if is_ours(session):
        tag, session.previous_visitor_tag = session.previous_visitor_tag, None
        return tag
    # Another engine keeps the data through login(), the visitor's tag too.
    return session.pop(_VISITOR_TAG, None)


def public_id_of(session: SessionBase) -> str | None:
    """The id that names the session in pages and URLs, never its key; None unless listed."""
    return session.get(PUBLIC_ID) if is_ours(session) else None


def describe(session: SessionBase) -> dict:
    """
    The session as its owner may see it (GET /accounts/sessions/current/):
    what the sessions page shows of it, and when it ends at the latest.
    Never its key.
    """
    started, last_seen, ends = _times(
        session.get(LOGIN_AT), session.get(SEEN_AT), settings.SESSION_ABSOLUTE_TIMEOUT
    )
    return {
        "public_id": public_id_of(session),
        "started": started,
        "last_seen": last_seen,
        "ends_at_the_latest": ends,
        "idle_timeout_seconds": settings.SESSION_COOKIE_AGE,
    }


@functools.lru_cache(maxsize=1024)
def _times(login_at, seen_at, absolute_timeout) -> tuple[str | None, str | None, str | None]:
    """
    describe()'s times, in ISO 8601: formatted once for a session's login
    and last refresh, which stay the same from one request to the next
    (formatting three of them was most of describe()'s work).
    """

    def iso(timestamp):
        return index.as_datetime(timestamp).isoformat() if timestamp else None

    return iso(login_at), iso(seen_at), iso(login_at + absolute_timeout) if login_at else None


def seconds_since_password(session: SessionBase) -> float:
    """How long ago the session's user last typed their password (at login or re-authentication)."""
    return time.time() - session.get(PASSWORD_AT, 0)


def record_password_entry(session: SessionBase) -> None:
    """The user just typed their password: a new session id, and the re-authentication clock restarts."""
    session.cycle_key()
    note_password_entry(session)
    session.password_event = "re-authenticated"


def note_password_entry(session: SessionBase) -> None:
    """
    The re-authentication clock restarts, the session id unchanged: for a
    session that has just had a new one (update_session_auth_hash, after a
    password change).
    """
    session[PASSWORD_AT] = time.time()
    session.password_event = "password changed"  # for this request only (activity_of), never stored
