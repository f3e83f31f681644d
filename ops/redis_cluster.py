"""
Redis Cluster behind django-redis, which has no cluster client of its own
(declined in jazzband/django-redis #208; #606 and #710 are open): a
connection factory that hands django-redis one redis-py RedisCluster per
worker thread, what every primary of it says, and the errors that mean
"Redis cannot answer" on a cluster as well as on one Redis.

Settings (shop/settings/base.py) choose it when REDIS_CLUSTER_NODES is set:
OPTIONS["CONNECTION_FACTORY"] names ClusterConnectionFactory, and
OPTIONS["CLUSTER_NODES"] lists the seed nodes as (host, port). Only what
touches one slot may be asked of such a client: one key, or several keys
under one hash tag (session_state.keys), and Lua scripts whose keys are all
declared. django-redis's many-key calls (get_many, delete_many, keys,
clear) are not used by the shop for that reason.
"""

import threading
from typing import Any

from django_redis.pool import ConnectionFactory
from redis import Redis
from redis.cluster import ClusterNode, RedisCluster
from redis.exceptions import (
    ClusterDownError,
    RedisClusterException,
    RedisError,
    SlotNotCoveredError,
)
from redis.exceptions import ConnectionError as RedisConnectionError

# Everything redis-py raises when Redis cannot do what was asked. On a
# cluster, RedisClusterException and its SlotNotCoveredError (no node
# serves the key's slot: a shard down and not yet failed over) are not
# RedisError, and would otherwise be a 500 page.
REDIS_FAILURES = (RedisError, RedisClusterException)


class ShopRedisCluster(RedisCluster):
    """
    redis-py's cluster client, sending a command again after a broken
    connection (the slot map read anew) but never after a timeout: a node
    that does not answer for REDIS_SOCKET_TIMEOUT answers the 503 page then,
    not twice as late, as the settings promise for one Redis. RedisCluster
    takes only the count from the Retry it is given, not which errors it
    retries (redis-py 8.1: ERRORS_ALLOW_RETRY).
    """

    ERRORS_ALLOW_RETRY = (RedisConnectionError, ClusterDownError, SlotNotCoveredError)

    def close(self) -> None:
        # Made from a URL (ClusterConnectionFactory), the nodes' clients do
        # not own their pools, and redis-py's close() leaves their sockets
        # open: closed here too.
        super().close()
        self.disconnect_connection_pools()


class ClusterConnectionFactory(ConnectionFactory):
    """
    One RedisCluster per worker thread and set of seed nodes, whatever URL
    django-redis asks for (its LOCATION names the first seed node only, so
    that it never takes another node for a replica to read from).

    The client learns the slot map from the seed nodes, follows MOVED and
    ASK, waits out TRYAGAIN, and re-reads the map after a connection error
    before it sends again (the retry in CONNECTION_POOL_KWARGS bounds how
    often: cart.storage explains why an add is never applied twice). It
    never reads from a replica: one that lags would not know a fresh login.
    """

    # One client per thread, not per process: after a connection error the
    # client re-reads the slot map under a lock of its own, node after node.
    # Shared with a worker's background thread (session_state.revocations),
    # which keeps retrying while the cluster is unreachable, that lock would
    # hold every request behind it for seconds. A gunicorn sync worker
    # serves requests on one thread, so it has one client for them.
    _clusters = threading.local()

    def connect(self, url: str) -> RedisCluster:
        nodes = tuple((host, int(port)) for host, port in self.options["CLUSTER_NODES"])
        # The options too: two aliases with other timeouts or passwords get clients of their own.
        key = (nodes, repr(sorted((name, repr(value)) for name, value in self.options.items())))
        clusters = self._clusters.__dict__
        if key not in clusters:
            clusters[key] = self._make_cluster(nodes)
        return clusters[key]

    def _make_cluster(self, nodes: tuple) -> RedisCluster:
        params = self.make_connection_params("")
        params.pop("url")
        pool_kwargs = dict(self.pool_cls_kwargs)
        first_host, first_port = nodes[0]
        return ShopRedisCluster(
            # Given as a URL too, because only then does redis-py build each
            # node's pool with the pool options (the connection_class that
            # ops.redis_commands needs); the seed nodes are the same.
            url=f"redis://{first_host}:{first_port}/0",
            startup_nodes=[ClusterNode(host, port) for host, port in nodes],
            retry=pool_kwargs.pop("retry", None),
            # A shard whose primary is gone (and not yet replaced) fails the
            # requests that need it, not every request.
            require_full_coverage=False,
            **params,
            **pool_kwargs,
        )

    def disconnect(self, connection: Any) -> None:
        connection.disconnect_connection_pools()


def primaries(client: Redis | RedisCluster) -> list[Redis]:
    """A client on each primary: the one Redis, or every primary of a cluster."""
    if isinstance(client, RedisCluster):
        return [client.get_redis_connection(node) for node in client.get_primaries()]
    return [client]
