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

import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django_redis import get_redis_connection
from ua_parser import parse as parse_user_agent

from shop.lua import run_script

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


def _sessions_cache():
    return caches[settings.SESSION_CACHE_ALIAS]


def _session_redis_key(session_key: str) -> str:
    return _sessions_cache().make_key(SESSION_KEY_PREFIX + session_key)


# Every change that touches both the index and the sessions it names is one
# Lua script: an "end this session" racing a key change (re-authentication,
# password change) on another worker must neither miss the session nor bring
# it back. Session keys in Redis are ARGV[1] (the prefix) .. the key.

_END_THESE = """
-- KEYS[1] index; ARGV[1] session key prefix, ARGV[2..] public ids
local ended = 0
for i = 2, #ARGV do
  local session_key = redis.call('HGET', KEYS[1], ARGV[i])
  if session_key then
    redis.call('DEL', ARGV[1] .. session_key)
    redis.call('HDEL', KEYS[1], ARGV[i])
    ended = ended + 1
  end
end
return ended
"""

_END_ALL_BUT = """
-- KEYS[1] index; ARGV[1] session key prefix, ARGV[2] the public id to keep ('' for none)
local entries = redis.call('HGETALL', KEYS[1])
local ended = 0
for i = 1, #entries, 2 do
  if entries[i] ~= ARGV[2] then
    redis.call('DEL', ARGV[1] .. entries[i + 1])
    redis.call('HDEL', KEYS[1], entries[i])
    ended = ended + 1
  end
end
return ended
"""

_MOVE = """
-- KEYS[1] index, KEYS[2] old session, KEYS[3] new session
-- ARGV: public id, old key, new key, session data, ttl
-- 0: the session was ended meanwhile; -1: the new key is taken; 1: moved.
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] or redis.call('EXISTS', KEYS[2]) == 0 then
  return 0
end
if not redis.call('SET', KEYS[3], ARGV[4], 'NX', 'EX', ARGV[5]) then
  return -1
end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
"""

_PRUNE = """
-- KEYS[1] index; ARGV: public id, session key, ... of sessions found gone.
-- Only entries that still name the gone key: one re-keyed meanwhile stays.
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
  end
end
return 1
"""


def _run(source: str, keys: list[str], args: list):
    return run_script(alias=settings.SESSION_CACHE_ALIAS, source=source, keys=keys, args=args)


def add(*, user_id, public_id: str, session_key: str) -> None:
    """Index a new logged-in session of the user."""
    lifetime = settings.SESSION_ABSOLUTE_TIMEOUT + settings.SESSION_COOKIE_AGE
    with _redis().pipeline(transaction=False) as pipe:
        pipe.hset(_index_key(user_id), public_id, session_key)
        pipe.expire(_index_key(user_id), lifetime)
        pipe.execute()


def move(*, user_id, public_id: str, old_key: str, new_key: str, data: dict, ttl: int) -> int:
    """
    Give a listed session a new key (accounts.sessions.SessionStore.cycle_key):
    1 when done, 0 when the session was ended meanwhile, -1 when new_key is taken.
    """
    encoded = _sessions_cache().client.encode(data)
    return _run(
        _MOVE,
        [_index_key(user_id), _session_redis_key(old_key), _session_redis_key(new_key)],
        [public_id, old_key, new_key, encoded, ttl],
    )


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


def describe(session) -> dict:
    """
    A session as its owner may see it (GET /accounts/sessions/current/):
    what the sessions page shows of it, and when it ends at the latest.
    Never its key.
    """
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    return {
        "public_id": session.get(PUBLIC_ID),
        "started": _when(login_at).isoformat() if login_at else None,
        "last_seen": _when(seen_at).isoformat() if seen_at else None,
        "ends_at_the_latest": _when(login_at + settings.SESSION_ABSOLUTE_TIMEOUT).isoformat() if login_at else None,
        "idle_timeout_seconds": settings.SESSION_COOKIE_AGE,
    }


def end(*, user_id, public_id: str) -> bool:
    """End one session of the user (from any device, or its own logout); False if there is none."""
    return bool(_run(_END_THESE, [_index_key(user_id)], [_session_redis_key(""), public_id]))


def end_all(*, user_id, except_public_id: str | None = None) -> int:
    """End every session of the user (but one, if named); returns how many ended."""
    return _run(_END_ALL_BUT, [_index_key(user_id)], [_session_redis_key(""), except_public_id or ""])


def end_oldest_beyond(*, user_id, limit: int, keep_public_id: str) -> int:
    """Keep at most `limit` sessions of the user (one of them keep_public_id), ending the oldest."""
    live = _live_sessions(user_id)
    live.pop(keep_public_id, None)
    # A session still in the middle of logging in has no login time saved
    # yet: it is the newest, not the oldest.
    by_age = sorted(live, key=lambda public_id: live[public_id][1].get(LOGIN_AT, math.inf))
    surplus = by_age[: max(0, len(by_age) - (limit - 1))]
    if not surplus:
        return 0
    return _run(_END_THESE, [_index_key(user_id)], [_session_redis_key(""), *surplus])


def _live_sessions(user_id) -> dict[str, tuple[str, dict]]:
    """public id -> (session key, session data) for the sessions that still exist; prunes the rest."""
    entries = {
        public_id.decode(): session_key.decode()
        for public_id, session_key in _redis().hgetall(_index_key(user_id)).items()
    }
    if not entries:
        return {}
    stored = _sessions_cache().get_many([SESSION_KEY_PREFIX + key for key in entries.values()])
    live, gone = {}, []
    for public_id, session_key in entries.items():
        data = stored.get(SESSION_KEY_PREFIX + session_key)
        if data is None:
            gone += [public_id, session_key]
        else:
            live[public_id] = (session_key, data)
    if gone:
        _run(_PRUNE, [_index_key(user_id)], gone)
    return live


def _when(timestamp) -> datetime:
    return datetime.fromtimestamp(timestamp or 0, tz=UTC)
