import time

import pytest
from django.conf import settings

from catalog.models import Category, Product
from session_state import keys
from session_state.fields import LOGIN_AT, SEEN_AT
from tests.redis_stats import command_calls, reset_command_stats
from tests.shopping import add, cart_of, visitor_cart_of

SESSION_COOKIE = settings.SESSION_COOKIE_NAME


@pytest.fixture
def mug(db):
    kitchen = Category.objects.create(name="Kitchen", slug="kitchen")
    return Product.objects.create(category=kitchen, name="Camp mug", slug="camp-mug", price="14.50", stock=50)


def redis_key(client):
    return keys.session(client.cookies[SESSION_COOKIE].value)


def backdate(client, fields):
    """Move times kept in the session into the past (seconds ago)."""
    session = client.session
    for field, seconds_ago in fields.items():
        session[field] = time.time() - seconds_ago
    session.save()


def test_a_page_view_soon_after_the_last_one_writes_nothing(logged_in_client, redis_client):
    reset_command_stats(redis_client)

    logged_in_client.get("/accounts/profile/")

    assert "set" not in command_calls(redis_client)


def test_use_slides_the_idle_timeout_once_a_minute_has_passed(logged_in_client, redis_client):
    backdate(logged_in_client, {SEEN_AT: 61})
    redis_client.expire(redis_key(logged_in_client), 100)  # as if most of the hour had passed

    logged_in_client.get("/accounts/profile/")

    assert (
        settings.SESSION_COOKIE_AGE - 5
        <= redis_client.ttl(redis_key(logged_in_client))
        <= settings.SESSION_COOKIE_AGE
    )
    assert time.time() - logged_in_client.session[SEEN_AT] < 5


def test_a_session_unused_for_the_idle_timeout_is_gone(logged_in_client, redis_client):
    redis_client.delete(redis_key(logged_in_client))  # what its TTL does after an idle hour

    response = logged_in_client.get("/accounts/profile/", follow=True)

    assert response.redirect_chain[0][0] == "/accounts/login/?next=/accounts/profile/"
    assert "Your session expired. Please log in again." in response.content.decode()


def test_a_session_ends_at_the_absolute_timeout_however_active(logged_in_client, redis_client):
    key = redis_key(logged_in_client)
    backdate(logged_in_client, {LOGIN_AT: settings.SESSION_ABSOLUTE_TIMEOUT + 1, SEEN_AT: 1})

    response = logged_in_client.get("/accounts/profile/", follow=True)

    assert "Your session expired. Please log in again." in response.content.decode()
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert not redis_client.exists(key)


def test_the_idle_timeout_never_reaches_past_the_absolute_one(logged_in_client, redis_client):
    backdate(logged_in_client, {LOGIN_AT: settings.SESSION_ABSOLUTE_TIMEOUT - 100, SEEN_AT: 61})

    logged_in_client.get("/accounts/profile/")

    assert 90 <= redis_client.ttl(redis_key(logged_in_client)) <= 100


def test_a_first_visit_is_not_told_its_session_expired(client, db):
    assert "Your session expired" not in client.get("/", follow=True).content.decode()


def test_an_expired_anonymous_visit_is_not_told_to_log_in_again(client, mug, redis_client):
    add(client, mug, 1)
    redis_client.delete(redis_key(client))

    assert "Your session expired" not in client.get("/").content.decode()


def test_an_anonymous_cart_lives_as_long_as_its_sliding_session(client, mug, redis_client):
    add(client, mug, 1)
    cart_key = visitor_cart_of(client).key
    backdate(client, {SEEN_AT: 61})
    redis_client.expire(cart_key, 100)

    client.get("/")

    assert redis_client.ttl(cart_key) > 100
    assert redis_client.ttl(redis_key(client)) > 100


def test_a_logged_in_session_key_is_a_new_one_with_the_logged_in_mark(logged_in_client):
    assert logged_in_client.cookies[SESSION_COOKIE].value.startswith("u")
    assert LOGIN_AT in logged_in_client.session


def test_a_session_saved_just_before_its_absolute_timeout_expires_in_redis_at_it(
    logged_in_client, redis_client
):
    backdate(logged_in_client, {LOGIN_AT: settings.SESSION_ABSOLUTE_TIMEOUT - 2})

    assert 1000 < redis_client.pttl(redis_key(logged_in_client)) <= 2000


def test_an_add_to_cart_after_the_absolute_timeout_leaves_the_users_cart_alone(
    logged_in_client, user, mug, redis_client
):
    # Saved past its absolute timeout, the session is gone from Redis at once.
    backdate(logged_in_client, {LOGIN_AT: settings.SESSION_ABSOLUTE_TIMEOUT + 1, SEEN_AT: 1})
    assert not redis_client.exists(redis_key(logged_in_client))
    reset_command_stats(redis_client)

    response = add(logged_in_client, mug, 3)

    assert not redis_client.exists(cart_of(user).key)
    # Not even for a moment: the script found no session, nothing had to be taken back.
    assert "hincrby" not in command_calls(redis_client)
    assert "Your session expired. Please log in again." in logged_in_client.get(response.url).content.decode()


def test_a_login_retried_after_the_session_ended_is_not_followed_by_news_of_the_old_session(
    logged_in_client, redis_client, password
):
    redis_client.delete(redis_key(logged_in_client))
    logged_in_client.post("/accounts/login/", {"username": "alice", "password": "not-the-password"})

    page = logged_in_client.post("/accounts/login/", {"username": "alice", "password": password}, follow=True)

    assert page.context["user"].is_authenticated
    assert "Your session expired" not in page.content.decode()
