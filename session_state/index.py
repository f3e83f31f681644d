"""
Every logged-in session of a user: listed, ended one at a time or all at once.

What a person needs to recognise a session (when it started, when it was
last used, the address and the browser) lives in the session itself.
Beside it, one Redis hash per user indexes the user's sessions: public id
-> session id. The public id is what pages and URLs show; a session id
never leaves the server. The index and the sessions it lists share the
user's tag, so a script that ends a session with its entry touches one
slot (session_state.keys).

Ending a session deletes its key: its next request, on whatever worker,
finds no session. Index entries whose session has expired are pruned
whenever the index is read, so it never grows without bound, and the index
itself expires when the newest session it lists would.

A session ended by another request than its own (ENDED_BY) leaves a note
of why beside where it was, for the idle timeout (as long as the session
could have lived idle: a browser back later than that would have found it
expired anyway), so that the
browser that held it is told why on its next page ("ended from another
device", not "expired"; session_state.middleware), and the session lab can
tell its end from a timeout (session_state.inspection). Written by the
same script that ends it: no round trip more; read only by a request whose
session is gone.
"""

import json
import math
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from ua_parser import parse as parse_user_agent

from . import keys, revocations
from .connection import redis_client, wait_for_a_replica
from .fields import CLIENT_AGENT, CLIENT_IP, LOGIN_AT, SEEN_AT, decode
from .lua import LuaScript

# Why another request than a session's own ended it (end_listed's why=),
# in words that follow "Your session ..." (the session lab shows them).
ENDED_BY = {
    "another device": "was ended from another device (the sessions page)",
    "password changed": "was ended by a password change on another device, which ends every other session",
    "every session": "was ended with every other session of its user (a password reset, an administrator, "
    "or a logout from every device)",
    "account deactivated": "was ended when its user's account was deactivated",
    "too many sessions": "was ended by a login elsewhere: the oldest of too many sessions",
}

_BIND = LuaScript(__file__, "bind.lua")
_END_LISTED = LuaScript(__file__, "end_listed.lua")
_PRUNE = LuaScript(__file__, "prune.lua")


@dataclass(frozen=True)
class UserSession:
    """A session as its owner sees it in their list."""

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


def index_lifetime() -> int:
    """The index lives as long as a session logged in now could: a browser's, or an API login's."""
    return max(
        settings.SESSION_ABSOLUTE_TIMEOUT + settings.SESSION_COOKIE_AGE,
        settings.API_REFRESH_ABSOLUTE_LIFETIME,
    )


def bind(*, tag: str, public_id: str, session_id: str, data: str, ttl_ms: int) -> bool:
    """Write a just-logged-in session under session_id (which has the user's tag) and list it; False if taken."""
    bound = bool(
        _BIND(
            client=redis_client(),
            keys=[keys.session(session_id), keys.user_sessions(tag)],
            args=[data, ttl_ms, public_id, session_id, index_lifetime()],
        )
    )
    if bound:
        wait_for_a_replica(key=keys.session(session_id))
    return bound


def list_sessions(*, tag: str, current_public_id: str | None = None) -> list[UserSession]:
    """The user's live sessions, newest first; entries of ended sessions are pruned."""
    live = live_sessions(tag)
    sessions = [
        UserSession(
            public_id=public_id,
            started=as_datetime(data.get(LOGIN_AT)),
            last_seen=as_datetime(data.get(SEEN_AT) or data.get(LOGIN_AT)),
            ip=data.get(CLIENT_IP, ""),
            agent=data.get(CLIENT_AGENT, ""),
            current=public_id == current_public_id,
        )
        for public_id, (_session_id, data) in live.items()
    ]
    return sorted(sessions, key=lambda session: session.started, reverse=True)


def end(*, tag: str, public_ids: list[str], why: str | None = None) -> int:
    """End these sessions of the user (from any device, or their own logout); how many ended. why: ENDED_BY."""
    if not public_ids:
        return 0
    index = redis_client().hmget(keys.user_sessions(tag), public_ids)
    listed = {
        public_id: session_id.decode() for public_id, session_id in zip(public_ids, index) if session_id
    }
    return end_listed(tag=tag, listed=listed, why=why)


def end_all(*, tag: str, except_public_id: str | None = None, why: str | None = None) -> int:
    """End every session of the user (but one, if named); how many ended. why: ENDED_BY."""
    listed = {
        public_id.decode(): session_id.decode()
        for public_id, session_id in redis_client().hgetall(keys.user_sessions(tag)).items()
    }
    listed.pop(except_public_id, None)
    return end_listed(tag=tag, listed=listed, why=why)


def end_oldest_beyond(*, tag: str, limit: int, keep_public_id: str) -> int:
    """Keep at most `limit` sessions of the user (one of them keep_public_id), ending the oldest."""
    live = live_sessions(tag)
    live.pop(keep_public_id, None)
    # Every listed session has its login time (bind.lua writes it with the
    # entry); one without would be no older than the rest.
    by_age = sorted(live, key=lambda public_id: live[public_id][1].get(LOGIN_AT, math.inf))
    surplus = by_age[: max(0, len(by_age) - (limit - 1))]
    return end_listed(
        tag=tag, listed={public_id: live[public_id][0] for public_id in surplus}, why="too many sessions"
    )


def end_listed(*, tag: str, listed: dict[str, str], why: str | None = None) -> int:
    """
    End sessions as the index listed them (public id -> session id), each with its entry;
    why (ENDED_BY) noted beside each (noted_end).

    A session given a new id since the index was read (a re-authentication
    on another worker) is answered back as moved, and ended under its new
    id on the next pass: "end every session" must not miss one.
    """
    # An API login's access tokens are refused on every worker first: should
    # Redis fail in between, the login is still listed, and ending it again
    # works.
    revocations.revoke(
        login_ids=[
            public_id for public_id, session_id in listed.items() if keys.is_token_login_id(session_id)
        ]
    )
    note = json.dumps({"why": why, "at": time.time()}) if why else ""
    ended = 0
    for _attempt in range(10):
        if not listed:
            break
        count, moved = _END_LISTED(
            client=redis_client(),
            keys=[
                keys.user_sessions(tag),
                *(
                    key
                    for session_id in listed.values()
                    for key in (keys.session(session_id), keys.session_end(session_id))
                ),
            ],
            args=[
                note,
                settings.SESSION_COOKIE_AGE,
                *(value for public_id, session_id in listed.items() for value in (public_id, session_id)),
            ],
        )
        ended += count
        if count:
            # A logout a failover undid would bring the session back.
            wait_for_a_replica(key=keys.user_sessions(tag))
        if not moved:
            break
        moved = [public_id.decode() for public_id in moved]
        index = redis_client().hmget(keys.user_sessions(tag), moved)
        listed = {public_id: session_id.decode() for public_id, session_id in zip(moved, index) if session_id}
    return ended


def noted_end(session_id: str) -> dict | None:
    """{"why": a key of ENDED_BY, "at": when} of a session another request ended (end_listed); None if none was noted."""
    if not keys.is_session_id(session_id):
        return None
    noted = redis_client().get(keys.session_end(session_id))
    return None if noted is None else json.loads(noted)


def live_sessions(tag: str) -> dict[str, tuple[str, dict]]:
    """public id -> (session id, session data) for the sessions that still exist; prunes the rest."""
    client = redis_client()
    entries = {
        public_id.decode(): session_id.decode()
        for public_id, session_id in client.hgetall(keys.user_sessions(tag)).items()
    }
    if not entries:
        return {}
    stored = client.mget([keys.session(session_id) for session_id in entries.values()])
    live, gone = {}, []
    for (public_id, session_id), value in zip(entries.items(), stored):
        data = decode(value)
        if data is None:
            gone += [public_id, session_id]
        else:
            live[public_id] = (session_id, data)
    if gone:
        _PRUNE(client=client, keys=[keys.user_sessions(tag)], args=gone)
    return live


def as_datetime(timestamp) -> datetime:
    return datetime.fromtimestamp(timestamp or 0, tz=UTC)
