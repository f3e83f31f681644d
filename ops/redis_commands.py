"""
Which Redis commands a piece of code sends, round trip by round trip: for
the session lab (lab/), which shows a visitor what each of their requests
cost, so that "one round trip per page" can be watched.

redis-py has no hook for this, so every connection the shop makes is of a
class with one (CONNECTION_POOL_KWARGS["connection_class"] in the
settings, for one Redis, Sentinel and a cluster alike): redis-py's own
class for the URL's scheme (TCP, TLS, a Unix socket), with the hook mixed
in. Outside noting() the hook costs one context variable lookup per round
trip (bench/results/profiles.md): nothing a benchmark can see.

What is noted is what the connection sends, round trip by round trip: a
health check's PING (redis-py's health_check_interval, off in the shop) and
a new connection's handshake are round trips too. A context variable, so a
thread of its own (the revocations listener) is never counted in a
request's; and Sentinel's own lookups, over connections of their own, are
not.
"""

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlparse

from redis.connection import Connection, SSLConnection, UnixDomainSocketConnection
from redis.sentinel import SentinelManagedConnection

# The round trips noted so far in this context, each a list of the command
# names it sent; None when nothing is noting.
_noted: ContextVar[list[list[str]] | None] = ContextVar("redis_round_trips", default=None)
# A script's SHA1 -> its name ("add.lua"), so that EVALSHA says which script ran.
_script_names: dict[str, str] = {}


def name_script(*, sha: str, name: str) -> None:
    """Say which script a SHA1 is (session_state.lua does, for every script it loads)."""
    _script_names[sha] = name


@contextmanager
def noting():
    """with noting() as round_trips: ...: each round trip the code sends, as a list of its command names."""
    round_trips: list[list[str]] = []
    token = _noted.set(round_trips)
    try:
        yield round_trips
    finally:
        _noted.reset(token)


def _name(command) -> str:
    name = command.decode() if isinstance(command, bytes) else str(command)
    return name.upper()


class NotedCommands:
    """A mixin for redis-py's connection classes: what they send, noted while noting() is on."""

    def send_command(self, *args, **kwargs):
        # One command, one round trip (PINGs of health checks included: they are round trips too).
        round_trips = _noted.get()
        if round_trips is not None:
            round_trips.append([_describe(args)])
        return super().send_command(*args, **kwargs)

    def pack_commands(self, commands):
        # A pipeline (MULTI ... EXEC or not): every command in one round trip.
        round_trips = _noted.get()
        if round_trips is not None:
            round_trips.append([_describe(args) for args in commands])
        return super().pack_commands(commands)


def _describe(args) -> str:
    """A command's name, and a script's name after EVAL or EVALSHA: "EVALSHA add.lua"."""
    name = _name(args[0])
    if name in ("EVALSHA", "EVALSHA_RO") and len(args) > 1:
        sha = _name(args[1]).lower()
        return f"{name} {_script_names.get(sha, sha[:8])}"
    if name in ("EVAL", "EVAL_RO") and len(args) > 1:
        source = args[1] if isinstance(args[1], bytes) else str(args[1]).encode()
        sha = hashlib.sha1(source).hexdigest()  # Redis names a script by its SHA1
        return f"{name} {_script_names.get(sha, sha[:8])}"
    return name


class NotedConnection(NotedCommands, Connection):
    """redis-py's TCP connection, noted (redis://, and the nodes of a cluster)."""


class NotedSSLConnection(NotedCommands, SSLConnection):
    """redis-py's TLS connection, noted (rediss://)."""


class NotedUnixDomainSocketConnection(NotedCommands, UnixDomainSocketConnection):
    """redis-py's Unix socket connection, noted (unix://)."""


class NotedSentinelManagedConnection(NotedCommands, SentinelManagedConnection):
    """The connection to the primary that the Sentinels name, noted."""


def noted_connection_class(url: str) -> type:
    """
    The noted class for a Redis URL: redis-py's own for its scheme, with the
    hook. A class given to a pool wins over the one the URL would choose,
    so it must be the same one: a rediss:// URL with a plain TCP class
    would speak to Redis without TLS.
    """
    return {"rediss": NotedSSLConnection, "unix": NotedUnixDomainSocketConnection}.get(
        urlparse(url).scheme, NotedConnection
    )
