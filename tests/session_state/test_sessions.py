import json

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError

from ops.redis_cluster import REDIS_FAILURES, primaries
from session_state import keys
from session_state.store import SessionStore
from tests.redis_stats import command_calls, reset_command_stats


def test_a_session_is_stored_in_redis_as_json(redis_client):
    store = SessionStore()
    store["greeting"] = "hello"
    store.create()

    assert json.loads(redis_client.get(keys.session(store.session_key))) == {"greeting": "hello"}


def test_a_session_key_expires_after_the_idle_timeout(redis_client):
    store = SessionStore()
    store["greeting"] = "hello"
    store.create()

    ttl = redis_client.ttl(keys.session(store.session_key))
    assert settings.SESSION_COOKIE_AGE - 5 <= ttl <= settings.SESSION_COOKIE_AGE


def test_a_session_that_was_ended_meanwhile_is_not_written_back(redis_client):
    store = SessionStore()
    store["greeting"] = "hello"
    store.create()
    redis_client.delete(keys.session(store.session_key))

    store["greeting"] = "changed"
    with pytest.raises(UpdateError):
        store.save()
    assert not redis_client.exists(keys.session(store.session_key))


def test_an_unknown_session_id_is_an_empty_session_with_no_id():
    store = SessionStore("a" + "0" * (keys.SESSION_ID_LENGTH - 1))

    assert store.load() == {}
    assert store.session_key is None


@pytest.mark.parametrize(
    "key",
    [
        "short",
        "a" + "0" * 200,
        "a" + "0" * (keys.SESSION_ID_LENGTH - 2) + "!",
        "A" + "0" * (keys.SESSION_ID_LENGTH - 1),
        "x" + "0" * (keys.SESSION_ID_LENGTH - 1),
        "a" + "é" * (keys.SESSION_ID_LENGTH - 1),
        "a" + "0" * (keys.SESSION_ID_LENGTH - 2),
    ],
)
def test_a_key_redis_could_never_have_issued_is_no_session_and_costs_no_redis_call(key, redis_down):
    store = SessionStore(key)

    assert store.session_key is None
    assert list(store.items()) == []  # with Redis down: asked nothing


def test_redis_down_is_an_error_not_an_empty_session(redis_down):
    key = "u" + "7" * (keys.SESSION_ID_LENGTH - 1)
    store = SessionStore(key)

    with pytest.raises(REDIS_FAILURES):
        store.load()
    assert store.session_key == key


def test_an_anonymous_visit_writes_no_session(client, db, redis_client):
    client.get("/")
    client.get("/accounts/login/")

    assert redis_client.keys("*session*") == []
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_a_logged_in_page_view_that_changes_nothing_writes_nothing_to_redis(logged_in_client, redis_client):
    logged_in_client.get("/accounts/profile/")  # once before, for Redis to learn the script
    reset_command_stats(redis_client)

    logged_in_client.get("/accounts/profile/")

    page_view = command_calls(redis_client)
    # One script, which reads the session, its user's record and the cart's
    # count for the header.
    assert page_view == {"evalsha": 1, "get": 2, "hvals": 1}, f"a read-only page view ran {page_view}"


def test_a_page_after_redis_forgot_its_scripts_runs_its_script_again_and_then_by_its_sha(
    logged_in_client, redis_client
):
    logged_in_client.get("/accounts/profile/")
    for primary in primaries(redis_client):
        primary.script_flush()  # as after a restart or a failover
    reset_command_stats(redis_client)

    first = logged_in_client.get("/accounts/sessions/current/")
    second = logged_in_client.get("/accounts/sessions/current/")

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["user"] == second.json()["user"] == "alice"
    assert {name: calls for name, calls in command_calls(redis_client).items() if "eval" in name} == {
        "evalsha": 2,  # the first refused (NOSCRIPT), the second run
        "eval": 1,
    }
