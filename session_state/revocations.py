"""
Which API logins have ended, known by every worker without asking Redis.

An access token is a JWT checked without Redis (session_state.access_tokens),
so ending its login must reach every worker some other way before the token
expires. Ending an API login (logout, "end this session", a password change,
refresh-token reuse, the admin) writes its public id into one sorted set in
Redis, kept until the last access token issued for it has expired, and
publishes it on a channel (revoke.lua, one step). Each worker keeps the set
in memory: a thread of its own listens on the channel, and reads the whole
set again every API_REVOCATION_CATCH_UP seconds, for a message it missed
while its connection was down. Checking a token is then a lookup in a dict.

Fail closed: a worker that has not heard from Redis for longer than
API_REVOCATION_STALE_AFTER seconds cannot know what was revoked meanwhile,
so is_revoked() raises RevocationsUnknown (the API answers 503) until it
has again. Nothing else in the shop depends on this.
"""

import logging
import os
import threading
import time

from django.conf import settings

from ops.redis_cluster import REDIS_FAILURES

from . import keys
from .connection import redis_client, wait_for_a_replica
from .lua import LuaScript

logger = logging.getLogger(__name__)

_REVOKE = LuaScript(__file__, "revoke.lua")

# How long a worker waits, at its first API request, for its first reading.
_FIRST_READING_WAIT = 1.0
_CLOCK_MARGIN = 60


class RevocationsUnknown(Exception):
    """This worker has not heard from Redis lately: what has been revoked since is unknown."""


def revoke(*, login_ids: list[str]) -> None:
    """Refuse, on every worker, the access tokens of these logins (their public ids) from now on."""
    if not login_ids:
        return
    now = time.time()
    # Kept as long as an access token issued just now for one of them lives,
    # and a minute more: a refresh that passed just before the login ended
    # may sign its token a little later, or on a server whose clock is ahead.
    until = now + settings.API_ACCESS_TOKEN_LIFETIME + _CLOCK_MARGIN
    _REVOKE(
        client=redis_client(),
        keys=[keys.revoked_logins()],
        args=[keys.revocations_channel(), now, until, *login_ids],
    )
    # Lost in a failover, it would make the tokens good again on every worker started after it.
    wait_for_a_replica(key=keys.revoked_logins())


def is_revoked(login_id: str) -> bool:
    """Whether the login has been revoked; RevocationsUnknown when this worker cannot tell."""
    return _feed().is_revoked(login_id)


class _Feed:
    """This worker's copy of the revoked logins, and the thread that keeps it."""

    def __init__(self):
        self._revoked: dict[str, float] = {}  # public id -> until when (epoch seconds)
        self._heard_at = -float("inf")  # time.monotonic() of the last news from Redis
        self._first_reading = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="api-revocations", daemon=True)
        self._thread.start()

    def is_revoked(self, login_id: str) -> bool:
        self._first_reading.wait(_FIRST_READING_WAIT)
        if time.monotonic() - self._heard_at > settings.API_REVOCATION_STALE_AFTER:
            raise RevocationsUnknown
        return self._revoked.get(login_id, 0) > time.time()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)

    def _listen(self) -> None:
        while not self._stopped.is_set():
            try:
                self._follow_channel()
            except REDIS_FAILURES as error:
                logger.warning(
                    "Revocations: lost Redis (%s); API requests answer 503 until it is back", error
                )
            except Exception:
                # Never a dead thread: its worker would answer 503 until restarted.
                logger.exception("Revocations: the listener failed; it starts again")
            self._stopped.wait(0.2)

    def _follow_channel(self) -> None:
        client = redis_client()
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(keys.revocations_channel())
            # Read after subscribing: what is revoked in between arrives on
            # the channel too, and nothing falls between the two.
            self._catch_up(client)
            next_catch_up = time.monotonic() + settings.API_REVOCATION_CATCH_UP
            while not self._stopped.is_set():
                message = pubsub.get_message(timeout=min(0.1, settings.API_REVOCATION_CATCH_UP))
                if message is not None:
                    self._take(message["data"])
                if time.monotonic() >= next_catch_up:
                    self._catch_up(client)
                    next_catch_up = time.monotonic() + settings.API_REVOCATION_CATCH_UP
        finally:
            pubsub.close()

    def _take(self, data: bytes) -> None:
        """A message on the channel: "<until> <public id> ..." (revoke.lua)."""
        try:
            until, *login_ids = data.decode().split()
            self._revoked.update(dict.fromkeys(login_ids, float(until)))
        except ValueError:
            logger.warning("Revocations: a message that is not one of ours, ignored: %r", data[:200])
            return
        self._heard_at = time.monotonic()

    def _catch_up(self, client) -> None:
        """
        The whole set again: what a lost connection missed, and the heartbeat.
        Added to what this worker knows, never in its place: a Redis that
        came back empty (restarted without its data, failed over to a
        replica that lagged) must not make revoked tokens good again.
        """
        now = time.time()
        stored = client.zrangebyscore(keys.revoked_logins(), now, "+inf", withscores=True)
        known = {login_id: until for login_id, until in self._revoked.items() if until > now}
        known.update((login_id.decode(), until) for login_id, until in stored)
        self._revoked = known
        self._heard_at = time.monotonic()
        self._first_reading.set()


_feeds: dict[int, _Feed] = {}
_feeds_lock = threading.Lock()


def _feed() -> _Feed:
    """The feed of this process, started at its first use: after gunicorn has forked the worker, never before."""
    pid = os.getpid()
    feed = _feeds.get(pid)
    if feed is None:
        with _feeds_lock:
            feed = _feeds.get(pid)
            if feed is None:
                feed = _feeds[pid] = _Feed()
    return feed


def restart_feed() -> None:
    """Stop this process's feed, for the next check to start a new one (tests that change Redis under it)."""
    with _feeds_lock:
        feed = _feeds.pop(os.getpid(), None)
    if feed is not None:
        feed.stop()
