"""
Revoked API logins (session_state.revocations): known by every worker
through pub/sub, in memory, and refused by a worker that cannot tell.
"""

import pytest

from session_state import revocations
from session_state.revocations import RevocationsUnknown
from tests.waiting import within

from .names import keys

pytestmark = pytest.mark.usefixtures("fresh_revocations_feed")


def test_a_login_never_revoked_is_not_revoked():
    assert revocations.is_revoked("login-1") is False


def test_a_revoked_login_is_known_here_within_a_second():
    assert revocations.is_revoked("login-1") is False  # the feed is listening

    revocations.revoke(login_ids=["login-1"])

    assert within(1.0, lambda: revocations.is_revoked("login-1")) is not None
    assert revocations.is_revoked("login-2") is False


def test_a_revocation_whose_message_was_missed_arrives_with_the_next_reading(redis_client, settings):
    assert revocations.is_revoked("login-1") is False
    # Written as revoke.lua writes it, but never announced on the channel.
    redis_client.zadd(keys.revoked_logins(), {"login-1": 4102444800})

    assert within(settings.API_REVOCATION_CATCH_UP + 1, lambda: revocations.is_revoked("login-1")) is not None


def test_a_revocation_is_kept_in_redis_while_an_access_token_could_live(redis_client, settings):
    settings.API_ACCESS_TOKEN_LIFETIME = 120

    revocations.revoke(login_ids=["login-1"])

    assert 120 <= redis_client.ttl(keys.revoked_logins()) <= 240
    assert redis_client.zscore(keys.revoked_logins(), "login-1") is not None


def test_a_revocation_whose_access_tokens_have_expired_leaves_the_set(redis_client, settings):
    redis_client.zadd(keys.revoked_logins(), {"old-login": 1})

    revocations.revoke(login_ids=["login-1"])

    assert redis_client.zrange(keys.revoked_logins(), 0, -1) == ["login-1"]


def test_a_worker_that_has_not_heard_from_redis_cannot_tell_and_says_so(stalled_redis, settings):
    settings.API_REVOCATION_STALE_AFTER = 2
    assert revocations.is_revoked("login-1") is False

    with stalled_redis():
        unknown = within(4, lambda: _cannot_tell("login-1"))

    assert unknown is not None
    assert within(5, lambda: not _cannot_tell("login-1")) is not None  # and can again once Redis answers


def _cannot_tell(login_id: str) -> bool:
    try:
        revocations.is_revoked(login_id)
    except RevocationsUnknown:
        return True
    return False


def test_a_message_that_is_not_ours_leaves_the_listener_listening(redis_client):
    assert revocations.is_revoked("login-1") is False
    redis_client.publish(keys.revocations_channel(), b"\xff not a revocation")

    revocations.revoke(login_ids=["login-1"])

    assert within(1.0, lambda: revocations.is_revoked("login-1")) is not None


def test_a_redis_that_comes_back_empty_does_not_make_a_revoked_login_good_again(redis_client, settings):
    revocations.revoke(login_ids=["login-1"])
    assert within(1.0, lambda: revocations.is_revoked("login-1")) is not None

    redis_client.flushdb()  # restarted without its data, or a replica that lagged took over

    assert within(settings.API_REVOCATION_CATCH_UP * 3, lambda: not revocations.is_revoked("login-1")) is None
