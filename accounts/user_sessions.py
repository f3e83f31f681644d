"""
Every logged-in session of a user: listed, ended one at a time or all at once.

What a person needs to recognise a session (when it started, when it was
last used, the address and the browser) lives in the session itself
(accounts.sessions). Beside it, one Redis hash per user indexes the user's
sessions: public id -> session key. The public id is what pages and URLs
show; a session key never leaves the server.

Ending a session deletes its key: its next request, on whatever worker,
finds no session. Index entries whose session has expired are pruned
whenever the index is read, so it never grows without bound, and the index
itself expires when the newest session it lists would.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django_redis import get_redis_connection
from ua_parser import parse as parse_user_agent

SESSION_KEY_PREFIX = "session:"  # accounts.sessions.SessionStore.cache_key_prefix

# Kept in each logged-in session, beside Django's own _auth_user_* keys.
LOGIN_AT = "_login_at"  # when the user logged in (the absolute timeout counts from it)
PASSWORD_AT = "_password_at"  # when the user last typed their password (re-authentication)
SEEN_AT = "_seen_at"  # when the session was last used, at the pace of the idle refresh
PUBLIC_ID = "_public_id"  # the id that names this session in pages and URLs, never its key
CLIENT_IP = "_ip"  # the address nginx saw at login
CLIENT_AGENT = "_agent"  # "Firefox 128 on Windows", from the User-Agent at login


@dataclass(frozen=True)
class UserSession:
    public_id: str
    started: datetime
    last_seen: datetime
    ip: str
    agent: str
    current: bool = False


def new_public_id() -> str:
    return secrets.token_urlsafe(12)


def describe_user_agent(user_agent: str) -> str:
    """A browser and system a person recognises: "Firefox 128 on Windows"."""
    parsed = parse_user_agent(user_agent[:1000])
    browser, system = parsed.user_agent, parsed.os
    name = " ".join(filter(None, [browser.family, browser.major])) if browser else "Unknown browser"
    return f"{name} on {system.family}" if system else name


def _index_key(user_id) -> str:
    return f"shop:user-sessions:{user_id}"


def _redis():
    return get_redis_connection("sessions")


def _session_redis_key(session_key: str) -> str:
    return caches[settings.SESSION_CACHE_ALIAS].make_key(SESSION_KEY_PREFIX + session_key)


def add(*, user_id, public_id: str, session_key: str) -> None:
    """Index a new logged-in session of the user."""
    lifetime = settings.SESSION_ABSOLUTE_TIMEOUT + settings.SESSION_COOKIE_AGE
    with _redis().pipeline(transaction=False) as pipe:
        pipe.hset(_index_key(user_id), public_id, session_key)
        pipe.expire(_index_key(user_id), lifetime)
        pipe.execute()


def rekey(*, user_id, public_id: str, session_key: str) -> None:
    """The session's key changed (re-authentication, password change): follow it."""
    _redis().hset(_index_key(user_id), public_id, session_key)


def forget(*, user_id, public_id: str) -> None:
    """The session was ended by its own logout."""
    _redis().hdel(_index_key(user_id), public_id)


def sessions_of(*, user_id, current_public_id: str | None = None) -> list[UserSession]:
    """The user's live sessions, newest first; entries of ended sessions are pruned."""
    live = _live_sessions(user_id)
    sessions = [
        UserSession(
            public_id=public_id,
            started=_when(data.get(LOGIN_AT)),
            last_seen=_when(data.get(SEEN_AT) or data.get(LOGIN_AT)),
            ip=data.get(CLIENT_IP, ""),
            agent=data.get(CLIENT_AGENT, ""),
            current=public_id == current_public_id,
        )
        for public_id, (_key, data) in live.items()
    ]
    return sorted(sessions, key=lambda session: session.started, reverse=True)


def end(*, user_id, public_id: str) -> bool:
    """End one session of the user; False if the user has no such session."""
    redis = _redis()
    session_key = redis.hget(_index_key(user_id), public_id)
    if session_key is None:
        return False
    _end(redis, user_id, {public_id: session_key.decode()})
    return True


def end_all(*, user_id, except_public_id: str | None = None) -> int:
    """End every session of the user (but one, if named); returns how many ended."""
    redis = _redis()
    entries = {
        public_id.decode(): session_key.decode()
        for public_id, session_key in redis.hgetall(_index_key(user_id)).items()
        if public_id.decode() != except_public_id
    }
    _end(redis, user_id, entries)
    return len(entries)


def end_oldest_beyond(*, user_id, limit: int, keep_public_id: str) -> int:
    """Keep at most `limit` sessions of the user (one of them keep_public_id), ending the oldest."""
    live = _live_sessions(user_id)
    live.pop(keep_public_id, None)
    by_age = sorted(live.items(), key=lambda item: item[1][1].get(LOGIN_AT, 0))
    limit -= 1  # the one kept
    surplus = by_age[: max(0, len(by_age) - limit)]
    _end(_redis(), user_id, {public_id: key for public_id, (key, _data) in surplus})
    return len(surplus)


def _end(redis, user_id, entries: dict[str, str]) -> None:
    if not entries:
        return
    with redis.pipeline(transaction=False) as pipe:
        pipe.delete(*[_session_redis_key(session_key) for session_key in entries.values()])
        pipe.hdel(_index_key(user_id), *entries)
        pipe.execute()


def _live_sessions(user_id) -> dict[str, tuple[str, dict]]:
    """public id -> (session key, session data) for the sessions that still exist; prunes the rest."""
    redis = _redis()
    entries = {
        public_id.decode(): session_key.decode()
        for public_id, session_key in redis.hgetall(_index_key(user_id)).items()
    }
    if not entries:
        return {}
    cache = caches[settings.SESSION_CACHE_ALIAS]
    stored = cache.get_many([SESSION_KEY_PREFIX + key for key in entries.values()])
    live, gone = {}, []
    for public_id, session_key in entries.items():
        data = stored.get(SESSION_KEY_PREFIX + session_key)
        if data is None:
            gone.append(public_id)
        else:
            live[public_id] = (session_key, data)
    if gone:
        redis.hdel(_index_key(user_id), *gone)
    return live


def _when(timestamp) -> datetime:
    return datetime.fromtimestamp(timestamp or 0, tz=UTC)
