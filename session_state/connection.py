"""The Redis of sessions and of everything they name."""

import logging
import threading

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django_redis import get_redis_connection
from redis.cluster import RedisCluster

from ops.redis_cluster import REDIS_FAILURES

logger = logging.getLogger(__name__)

# Each thread's client, as django-redis gave it, and the settings it was
# given under (_settings_seen goes up whenever CACHES changes: tests).
_clients = threading.local()
_settings_seen = 0


def redis_client():
    """
    The Redis of the SESSION_REDIS_ALIAS cache: sessions, users' indexes of
    sessions, and carts, which scripts read together with their session.

    The one django-redis gives this thread (caches[alias] is per thread:
    on a cluster, a client per thread, ops.redis_cluster), kept for the
    thread: finding the same client again through Django's cache handler
    cost some 25,000 instructions a logged-in request (callgrind), for the
    same client every time.
    """
    kept = getattr(_clients, "kept", None)
    if kept is None or kept[0] != _settings_seen:
        kept = _clients.kept = (_settings_seen, get_redis_connection(settings.SESSION_REDIS_ALIAS))
    return kept[1]


@receiver(setting_changed)
def _forget_clients(*, setting, **kwargs):
    # Django's cache handler makes its caches anew when CACHES changes.
    global _settings_seen
    if setting in ("CACHES", "SESSION_REDIS_ALIAS"):
        _settings_seen += 1


def wait_for_a_replica(*, key: str) -> bool:
    """
    After a write to key's primary that a failover must not undo (a login,
    a new session id, a logout, a revocation, a merged cart): wait (at most
    REDIS_REPLICA_WAIT_MS) until REDIS_WAIT_FOR_REPLICAS replicas have it.
    True when they have (or none is asked for).

    WAIT is a command of its own (not allowed in a script since Redis 7.0),
    on the connection that wrote: it waits for that connection's writes.
    The pool hands back the connection released last, and a worker serves
    one request at a time on its own client (on a cluster, one per thread:
    ops.redis_cluster), so it is that connection. Replication stays
    asynchronous: a replica that has not acknowledged in time does not stop
    the login (it is logged), and a primary lost within the wait still
    loses the write. A Redis error here is logged, not raised: the write
    itself succeeded.
    """
    replicas = settings.REDIS_WAIT_FOR_REPLICAS
    if not replicas:
        return True
    client = redis_client()
    try:
        if isinstance(client, RedisCluster):
            node = client.get_node_from_key(key)
            acknowledged = client.execute_command(
                "WAIT", replicas, settings.REDIS_REPLICA_WAIT_MS, target_nodes=node
            )
        else:
            acknowledged = client.wait(replicas, settings.REDIS_REPLICA_WAIT_MS)
    except REDIS_FAILURES as error:
        logger.warning("No replica acknowledged a write to %s (WAIT failed: %s)", key, error)
        return False
    if acknowledged < replicas:
        logger.warning(
            "A write to %s was acknowledged by %s of %s replicas within %s ms: a failover now could lose it",
            key,
            acknowledged,
            replicas,
            settings.REDIS_REPLICA_WAIT_MS,
        )
        return False
    return True
