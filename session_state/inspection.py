"""
What the session lab (lab/) reads: a visitor watching their own session.
What a request did with its session (activity_of, by the lab's recorder),
the session its cookie names as Redis holds it, secrets' values hidden,
with its clocks (stored_session, by the lab's live view), and why another
request ended it, where one did (noted_end). Never a session's key: a
fingerprint names it.

Called by the lab, and by `make sessions` (manage.py list_sessions), which
lists every session on the stack's Redis for its operator's terminal, keys
and all (every_session).
"""

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase

from ops.redis_cluster import primaries

from . import index, keys
from .connection import redis_client
from .fields import (
    CLIENT_AGENT,
    CLIENT_IP,
    FORMER_NAMES,
    LOGIN_AT,
    MEANINGS,
    PASSWORD_AT,
    SEEN_AT,
    STORED_NAMES,
    USER_ID,
    decode,
)
from .index import ENDED_BY
from .sessions import is_ours
from .store import slide_interval

__all__ = [
    "ENDED_BY",
    "ListedSession",
    "SessionActivity",
    "SessionEnd",
    "StoredSession",
    "activity_of",
    "every_session",
    "fingerprint_of",
    "noted_end",
    "stored_field_meanings",
    "stored_session",
]


def fingerprint_of(session_id: str | None) -> str | None:
    """A short name for a session id that shows nothing of it; None for what is no id of ours (or no id)."""
    return keys.fingerprint(session_id) if keys.is_session_id(session_id) else None


@dataclass(frozen=True)
class SessionActivity:
    """What a request did with its session, as far as it read it (activity_of)."""

    fingerprint: str | None
    logged_in: bool
    password_event: str | None  # "re-authenticated", "password changed", or None
    found_ended: bool  # the logged-in session presented had ended (timed out, or ended elsewhere)
    found_gone: bool  # the id presented named no session (found_ended, or a visitor's that timed out)
    times_out_at: float | None  # when Redis expires it unless a request slides it; None if unread
    times_out_by: str | None  # which timeout that is: "idle timeout" or "absolute timeout"


def activity_of(session: SessionBase) -> SessionActivity | None:
    """
    The session at the end of a request, from what the request has read
    (never reading it now); None for another engine's.
    """
    if not is_ours(session):
        return None
    read = session.session_key is not None and session.loaded
    times_out_at, times_out_by = _timeout(session._session_cache) if read else (None, None)
    return SessionActivity(
        fingerprint=fingerprint_of(session.session_key),
        logged_in=session.is_logged_in_session,
        password_event=session.password_event,
        found_ended=session.ended,
        found_gone=session.presented_gone,
        times_out_at=times_out_at,
        times_out_by=times_out_by,
    )


def _timeout(data: dict) -> tuple[float | None, str | None]:
    """When a session with this data times out, and by which timeout: the earlier of the two."""
    seen_at, login_at = data.get(SEEN_AT), data.get(LOGIN_AT)
    idle_ends_at = seen_at + settings.SESSION_COOKIE_AGE if seen_at else None
    absolute_ends_at = login_at + settings.SESSION_ABSOLUTE_TIMEOUT if login_at else None
    if absolute_ends_at is not None and (idle_ends_at is None or absolute_ends_at <= idle_ends_at):
        return absolute_ends_at, "absolute timeout"
    return idle_ends_at, "idle timeout" if idle_ends_at is not None else None


@dataclass(frozen=True)
class StoredSession:
    """A session as Redis holds it, and its clocks (epoch seconds), for its own holder's eyes."""

    fingerprint: str
    logged_in: bool
    stored: str  # the JSON as stored, secrets' values hidden (_without_secrets)
    ttl_ms: int
    seen_at: float | None
    login_at: float | None
    password_at: float | None
    idle_ends_at: float | None  # if nothing uses it before then
    absolute_ends_at: float | None  # whatever happens
    next_slide_from: float | None  # the first request from then on slides the idle timeout
    idle_timeout: int
    absolute_timeout: int


def stored_session(*, session_id: str | None) -> StoredSession | None:
    """
    The session a request's own cookie names, as stored, in one round trip
    (GET and PTTL); None if there is none. A read by a watcher (the lab's
    live view): not a use of the session, which goes on timing out.
    """
    if not keys.is_session_id(session_id):
        return None
    with redis_client().pipeline(transaction=False) as pipeline:
        stored, ttl_ms = pipeline.get(keys.session(session_id)).pttl(keys.session(session_id)).execute()
    data = decode(stored)
    if data is None or ttl_ms < 0:
        return None
    seen_at, login_at = data.get(SEEN_AT), data.get(LOGIN_AT)
    absolute_ends_at = login_at + settings.SESSION_ABSOLUTE_TIMEOUT if login_at else None
    idle_ends_at = seen_at + settings.SESSION_COOKIE_AGE if seen_at else time.time() + ttl_ms / 1000
    return StoredSession(
        fingerprint=keys.fingerprint(session_id),
        logged_in=keys.is_logged_in_id(session_id),
        stored=_without_secrets(stored),
        ttl_ms=ttl_ms,
        seen_at=seen_at,
        login_at=login_at,
        password_at=data.get(PASSWORD_AT),
        idle_ends_at=min(idle_ends_at, absolute_ends_at) if absolute_ends_at else idle_ends_at,
        absolute_ends_at=absolute_ends_at,
        next_slide_from=seen_at + slide_interval() if seen_at else None,
        idle_timeout=settings.SESSION_COOKIE_AGE,
        absolute_timeout=settings.SESSION_ABSOLUTE_TIMEOUT,
    )


@dataclass(frozen=True)
class SessionEnd:
    """Why another request than the session's own ended it, and when (never a timeout: Redis notes none)."""

    why: str  # a key of ENDED_BY
    at: float


def noted_end(*, session_id: str | None) -> SessionEnd | None:
    """
    Why the session a request's own cookie names was ended by another
    request (from another device, by a password change...), as
    session_state.index noted it, in one round trip;
    None where nothing was noted: the session is alive, timed out, was
    logged out in its own browser, or the note has expired (it lives as
    long as the session could have lived idle).
    """
    note = index.noted_end(session_id or "")
    return None if note is None else SessionEnd(why=note["why"], at=note["at"])


def _without_secrets(stored: bytes) -> str:
    """
    The stored JSON, the values of secrets hidden: the session auth hash,
    and anything the shop does not name (Django's password-reset token while
    a reset is under way): the lab's page can be read by a script of the
    shop's origin, where a cookie's HttpOnly keeps the key itself away.
    """
    shown = {
        name: value if name in _SHOWN_FIELDS else "(hidden)" for name, value in json.loads(stored).items()
    }
    return json.dumps(shown, separators=(",", ":"))


_SHOWN_FIELDS = (set(MEANINGS) | set(FORMER_NAMES) | {SESSION_KEY, BACKEND_SESSION_KEY}) - {
    STORED_NAMES[HASH_SESSION_KEY]
}


def stored_field_meanings() -> dict[str, str]:
    """What each name in a stored session means (fields.MEANINGS)."""
    return dict(MEANINGS)


@dataclass(frozen=True)
class ListedSession:
    """A session as its operator lists them (every_session): its key, what it is, whose, and its clocks."""

    key: str  # shop:session:{<owner's tag>}:<session id>: as good as the session's cookie
    kind: str  # "visitor", "logged in" (a browser's login) or "API login"
    user_id: str | None  # Django's user id, for a login
    ttl_ms: int  # until it ends, unless it is used (and slides) before then
    login_at: float | None
    seen_at: float | None
    client_ip: str
    client_agent: str  # "Firefox 128 on Linux", as at login


SESSION_KINDS = ("visitor", "logged in", "API login")


def every_session(*, page: int = 1000) -> Iterator[ListedSession]:
    """
    Every session in the shop's Redis, browsers' and API logins', in no
    particular order: for its operator's terminal (`make sessions`), never a
    page. On a cluster, each primary in turn: a SCAN sees only the keys of
    the node it is sent to, so one sent to a cluster (as redis-cli --scan
    does) lists a third of them. SCAN, a page at a time, and never KEYS:
    Redis serves the shop meanwhile. A session that ends during the walk is
    left out, and one made during it may be.
    """
    for node in primaries(redis_client()):
        found = node.scan_iter(match=f"{keys.PREFIX}:session:*", count=page)
        while batch := list(islice(found, page)):
            with node.pipeline(transaction=False) as pipeline:
                for key in batch:
                    pipeline.get(key).pttl(key)
                # A slot being moved away answers MOVED for its keys: left out.
                replies = pipeline.execute(raise_on_error=False)
            for key, stored, ttl_ms in zip(batch, replies[0::2], replies[1::2]):
                if isinstance(stored, Exception) or isinstance(ttl_ms, Exception) or ttl_ms < 0:
                    continue
                listed = _listed(key.decode() if isinstance(key, bytes) else key, stored, ttl_ms)
                if listed is not None:
                    yield listed


def _listed(key: str, stored: bytes | None, ttl_ms: int) -> ListedSession | None:
    session_id = key.rsplit(":", 1)[-1]
    data = decode(stored)
    if data is None or not (keys.is_session_id(session_id) or keys.is_token_login_id(session_id)):
        return None
    kind = (
        "API login"
        if keys.is_token_login_id(session_id)
        else "logged in"
        if keys.is_logged_in_id(session_id)
        else "visitor"
    )
    user_id = data.get(USER_ID) if kind == "API login" else data.get(SESSION_KEY)
    return ListedSession(
        key=key,
        kind=kind,
        user_id=None if user_id is None else str(user_id),
        ttl_ms=ttl_ms,
        login_at=data.get(LOGIN_AT),
        seen_at=data.get(SEEN_AT),
        client_ip=data.get(CLIENT_IP, ""),
        client_agent=data.get(CLIENT_AGENT, ""),
    )
