"""
An add that Redis stalls on. The worker gives up after its socket timeout
and answers 503, but the add it sent waits in Redis's socket and would run
the moment Redis wakes: the shopper, told it failed, would add again and
have the units twice. Each add carries a deadline that Redis checks.
"""

from django.conf import settings

from tests.shopping import add, summary


def test_an_add_that_redis_reaches_after_the_worker_gave_up_changes_nothing(
    logged_in_client, mug, stalled_redis
):
    add(logged_in_client, mug)

    with stalled_redis():
        response = add(logged_in_client, mug)

    assert response.status_code == 503
    assert summary(logged_in_client)["count"] == 1


def test_an_add_to_an_anonymous_cart_that_redis_reaches_too_late_changes_nothing(client, mug, stalled_redis):
    add(client, mug)
    add(client, mug)  # the cart exists now: the add that stalls is the same script

    with stalled_redis():
        response = add(client, mug)

    assert response.status_code == 503
    assert summary(client)["count"] == 2


def test_an_add_that_redis_runs_after_its_deadline_but_before_the_timeout_answers_503_and_changes_nothing(
    logged_in_client, mug, stalled_redis
):
    add(logged_in_client, mug)

    # Redis wakes while the worker still waits, and answers that it was late.
    with stalled_redis(wake_after=(settings.REDIS_CHANGE_DEADLINE + settings.REDIS_SOCKET_TIMEOUT) / 2):
        response = add(logged_in_client, mug)

    assert response.status_code == 503
    assert summary(logged_in_client)["count"] == 1


def test_an_add_that_redis_answers_slowly_but_within_its_deadline_counts(
    logged_in_client, mug, stalled_redis
):
    add(logged_in_client, mug)

    with stalled_redis(wake_after=settings.REDIS_CHANGE_DEADLINE / 4):
        response = add(logged_in_client, mug)

    assert response.status_code == 302
    assert summary(logged_in_client)["count"] == 2
