import pytest

from ops.checks import check_redis_eviction_policy
from ops.redis_cluster import primaries


@pytest.fixture
def eviction_policy(redis_client):
    def set_policy(policy):
        redis_client.config_set("maxmemory-policy", policy)

    yield set_policy
    redis_client.config_set("maxmemory-policy", "noeviction")


@pytest.mark.parametrize("policy", ["allkeys-lru", "allkeys-random", "volatile-lru", "volatile-ttl"])
def test_a_redis_that_may_evict_sessions_is_warned_about(eviction_policy, policy):
    eviction_policy(policy)

    warnings = check_redis_eviction_policy()

    assert {warning.id for warning in warnings} == {"ops.W001"}
    assert policy in warnings[0].msg


def test_a_redis_that_never_evicts_passes(eviction_policy):
    eviction_policy("noeviction")

    assert check_redis_eviction_policy() == []


def test_a_redis_that_is_down_is_left_to_healthz(redis_down):
    assert check_redis_eviction_policy() == []


@pytest.fixture
def last_primary_policy(redis_client):
    """Set the eviction policy of one primary only: the last of a cluster's (or the one Redis)."""
    primary = primaries(redis_client)[-1]
    yield lambda policy: primary.config_set("maxmemory-policy", policy)
    primary.config_set("maxmemory-policy", "noeviction")


def test_one_primary_of_a_cluster_that_may_evict_is_warned_about(last_primary_policy):
    last_primary_policy("allkeys-lru")

    warnings = check_redis_eviction_policy()

    assert [warning.id for warning in warnings] == [
        "ops.W001",
        "ops.W001",
    ]  # the sessions' cache, and the default
