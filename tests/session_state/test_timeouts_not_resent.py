"""
A command that timed out is not sent again: the node that does not answer
answers the 503 page after one socket timeout, not two. On one Redis the
retry is for broken connections only (settings); on a cluster, redis-py
would connect again and resend after a timeout too unless told not to
(ops.redis_cluster.ShopRedisCluster). Its new connection's handshake then
times out in turn, so a resend shows as a connection the frozen node
finds waiting when it wakes.
"""

import signal

import pytest
from django.conf import settings as django_settings

from ops.redis_cluster import REDIS_FAILURES
from session_state.connection import redis_client as shops_redis
from tests.redis_cluster import SuiteCluster
from tests.redis_stats import primary_holding

KEY = "shop:timeout-probe:{probe}"


@pytest.fixture
def short_timeouts(settings):
    """Timeouts of 0.2 s, so that a frozen node is woken well before the cluster would fail it over."""
    settings.CACHES = {
        alias: {**cache, "OPTIONS": {**cache["OPTIONS"], "SOCKET_TIMEOUT": 0.2}}
        for alias, cache in django_settings.CACHES.items()
    }


def _signal_the_primary_of(redis_server, key):
    """signal(signum) to the Redis that holds key: the one Redis, or the primary of key's slot."""
    if isinstance(redis_server, SuiteCluster):
        node = redis_server.stack.cluster_primary_of(key)
        return lambda signum: redis_server.stack.send_signal(node, signum)
    return redis_server.send_signal


def test_a_command_that_timed_out_is_not_sent_again(short_timeouts, redis_server, redis_client):
    shops_redis().incr(KEY)  # connected, the slot map read
    signal_it = _signal_the_primary_of(redis_server, KEY)
    node = primary_holding(redis_client, KEY)
    connections_before = node.info("stats")["total_connections_received"]

    signal_it(signal.SIGSTOP)
    try:
        with pytest.raises(REDIS_FAILURES):
            shops_redis().incr(KEY)
    finally:
        signal_it(signal.SIGCONT)

    assert node.info("stats")["total_connections_received"] == connections_before
