import pytest

from shop.checks import check_redis_eviction_policy, check_sessions_and_carts_share_redis


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

    assert {warning.id for warning in warnings} == {"shop.W001"}
    assert policy in warnings[0].msg


def test_a_redis_that_never_evicts_passes(eviction_policy):
    eviction_policy("noeviction")

    assert check_redis_eviction_policy() == []


def test_a_redis_that_is_down_is_left_to_healthz(redis_down):
    assert check_redis_eviction_policy() == []


def test_sessions_and_carts_on_different_redis_servers_is_an_error(settings):
    settings.CACHES = {**settings.CACHES, "sessions": {**settings.CACHES["sessions"], "LOCATION": "redis://elsewhere:6379/0"}}

    assert [error.id for error in check_sessions_and_carts_share_redis()] == ["shop.E002"]


def test_sessions_and_carts_on_one_redis_pass():
    assert check_sessions_and_carts_share_redis() == []


def test_sessions_stored_as_anything_but_plain_json_is_an_error(settings):
    sessions = settings.CACHES["sessions"]
    compressed = {**sessions["OPTIONS"], "COMPRESSOR": "django_redis.compressors.zlib.ZlibCompressor"}
    settings.CACHES = {**settings.CACHES, "sessions": {**sessions, "OPTIONS": compressed}}

    assert [error.id for error in check_sessions_and_carts_share_redis()] == ["shop.E003"]
