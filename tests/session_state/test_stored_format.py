"""
How a session is written in Redis: compact JSON under short names
(session_state.fields), and a session written under the former long names
still reads, so that a deploy logs nobody out.
"""

import hashlib
import json

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

from session_state import api_logins, fields, keys, sessions

SESSION_COOKIE = settings.SESSION_COOKIE_NAME
SHOP_BACKEND = "accounts.backends.ThrottledModelBackend"
SHORT_NAMES = set(fields.FORMER_NAMES.values()) | set(fields.STORED_NAMES.values())
LONG_NAMES = {short: long for long, short in fields.FORMER_NAMES.items()} | {
    short: long for long, short in fields.STORED_NAMES.items()
}


def session_key_of(client) -> str:
    return keys.session(client.cookies[SESSION_COOKIE].value)


def as_formerly_stored(stored: dict, *, backend: str, session_hash: str) -> dict:
    """A session as the shop wrote it before the short names: Django's names, hex hash, dotted backend."""
    former = {LONG_NAMES.get(name, name): value for name, value in stored.items()}
    former.update({BACKEND_SESSION_KEY: backend, HASH_SESSION_KEY: session_hash})
    return former


def test_a_logged_in_session_is_stored_under_short_names_only(logged_in_client, redis_client):
    stored = json.loads(redis_client.get(session_key_of(logged_in_client)))

    assert sorted(stored) == ["_b", "_h", "_i", "_ip", "_l", "_p", "_s", "_u", "_ua"]


def test_the_stored_backend_is_its_class_name_and_the_hash_is_base64(logged_in_client, redis_client, user):
    stored = json.loads(redis_client.get(session_key_of(logged_in_client)))

    assert stored["_b"] == "ThrottledModelBackend#" + hashlib.sha256(SHOP_BACKEND.encode()).hexdigest()[:6]
    assert len(stored["_h"]) == 43
    assert fields.decode(json.dumps(stored).encode())[HASH_SESSION_KEY] == user.get_session_auth_hash()


def test_a_logged_in_session_takes_over_100_bytes_fewer_than_under_the_long_names(
    logged_in_client, redis_client, settings
):
    stored = redis_client.get(session_key_of(logged_in_client))
    settings.SESSION_STORED_NAMES = "long"

    under_long_names = fields.encode(fields.decode(stored.encode()))

    # Names, the hash's encoding and the backend's: whatever the user id, address and browser.
    assert len(under_long_names) - len(stored) > 100


def test_a_session_stored_under_the_former_long_names_is_still_logged_in(
    logged_in_client, redis_client, user
):
    key = session_key_of(logged_in_client)
    before = logged_in_client.get("/accounts/sessions/current/").json()
    stored = json.loads(redis_client.get(key))
    former = as_formerly_stored(stored, backend=SHOP_BACKEND, session_hash=user.get_session_auth_hash())
    redis_client.set(key, json.dumps(former), keepttl=True)

    answer = logged_in_client.get("/accounts/sessions/current/").json()

    assert answer["user"] == "alice"
    assert (answer["public_id"], answer["started"]) == (before["public_id"], before["started"])


def test_a_session_stored_under_the_former_names_with_another_hash_is_logged_out(
    logged_in_client, redis_client
):
    key = session_key_of(logged_in_client)
    stored = json.loads(redis_client.get(key))
    former = as_formerly_stored(stored, backend=SHOP_BACKEND, session_hash="0" * 64)
    redis_client.set(key, json.dumps(former), keepttl=True)

    answer = logged_in_client.get("/accounts/sessions/current/").json()

    assert answer["user"] is None


def test_two_backends_of_one_class_name_are_stored_apart(settings):
    settings.AUTHENTICATION_BACKENDS = [SHOP_BACKEND, "somewhere.else.ThrottledModelBackend"]

    stored = [
        json.loads(fields.encode({BACKEND_SESSION_KEY: path}))["_b"]
        for path in settings.AUTHENTICATION_BACKENDS
    ]

    assert stored[0] != stored[1]
    assert [fields.decode(json.dumps({"_b": code}).encode())[BACKEND_SESSION_KEY] for code in stored] == (
        settings.AUTHENTICATION_BACKENDS
    )


def test_a_backend_replaced_by_another_of_the_same_class_name_is_not_taken_for_it(settings):
    stored = fields.encode({SESSION_KEY: "7", BACKEND_SESSION_KEY: SHOP_BACKEND})
    settings.AUTHENTICATION_BACKENDS = ["somewhere.else.ThrottledModelBackend"]

    decoded = fields.decode(stored.encode())

    assert decoded[BACKEND_SESSION_KEY] not in settings.AUTHENTICATION_BACKENDS


def test_a_backend_taken_out_of_the_settings_is_not_taken_for_another(settings):
    stored = fields.encode({SESSION_KEY: "7", BACKEND_SESSION_KEY: SHOP_BACKEND})
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

    decoded = fields.decode(stored.encode())

    assert decoded[BACKEND_SESSION_KEY] not in settings.AUTHENTICATION_BACKENDS


def test_what_is_not_djangos_session_hash_is_kept_as_it_is():
    assert fields.decode(fields.encode({HASH_SESSION_KEY: "not hex"}).encode()) == {
        HASH_SESSION_KEY: "not hex"
    }


def test_an_apps_own_keys_are_stored_as_they_are():
    assert json.loads(fields.encode({"b": 1, "colour": "red"})) == {"b": 1, "colour": "red"}


@pytest.mark.usefixtures("fresh_revocations_feed")  # a token is checked against what this worker knows
def test_an_api_login_stored_under_the_former_names_still_refreshes(user, redis_client):
    pair = api_logins.start_token_login(user=user, address="127.0.0.1", user_agent="test")
    key = keys.session(pair.refresh_token.partition(".")[0])
    former = {LONG_NAMES.get(name, name): value for name, value in json.loads(redis_client.get(key)).items()}
    redis_client.set(key, json.dumps(former), keepttl=True)

    renewed = api_logins.refresh_token_login(refresh_token=pair.refresh_token)

    assert api_logins.check_access_token(token=renewed.access_token).subject == sessions.tag_of_user(user)
    assert "_refresh" not in json.loads(redis_client.get(key))


# A release that bridges a rolling deploy from the release before short
# names (SESSION_STORED_NAMES = "long") writes what that release reads.


def test_a_bridging_release_writes_sessions_under_the_long_names(
    settings, client, user, password, redis_client
):
    settings.SESSION_STORED_NAMES = "long"
    client.post("/accounts/login/", {"username": "alice", "password": password})

    stored = json.loads(redis_client.get(session_key_of(client)))

    assert {SESSION_KEY, BACKEND_SESSION_KEY, "_login_at", "_public_id"} <= set(stored)
    assert not set(stored) & SHORT_NAMES
    assert (stored[BACKEND_SESSION_KEY], stored[HASH_SESSION_KEY]) == (
        SHOP_BACKEND,
        user.get_session_auth_hash(),
    )
    assert isinstance(stored["_login_at"], float)


@pytest.mark.usefixtures("fresh_revocations_feed")
def test_a_bridging_release_keeps_api_logins_under_the_long_names_and_names_the_user_by_id(
    settings, user, redis_client
):
    settings.SESSION_STORED_NAMES = "long"
    pair = api_logins.start_token_login(user=user, address="127.0.0.1", user_agent="test")
    key = keys.session(pair.refresh_token.partition(".")[0])

    renewed = api_logins.refresh_token_login(refresh_token=pair.refresh_token)
    again = api_logins.refresh_token_login(refresh_token=renewed.refresh_token)

    stored = json.loads(redis_client.get(key))
    assert {"_refresh", "_api_user", "_login_at"} <= set(stored)
    assert not set(stored) & SHORT_NAMES
    subjects = [api_logins.check_access_token(token=p.access_token).subject for p in (pair, again)]
    assert subjects == [str(user.pk)] * 2


def test_a_change_to_a_user_removes_the_record_the_release_before_kept(
    user, redis_client, django_capture_on_commit_callbacks
):
    former = keys.former_user_record(sessions.tag_of_user(user))
    redis_client.set(former, '{"id": 1}', ex=300)

    with django_capture_on_commit_callbacks(execute=True):
        user.username = "alice.b"
        user.save()

    assert not redis_client.exists(former)


def test_the_login_time_is_kept_to_the_millisecond_never_later():
    # The absolute timeout counts from it: in whole seconds, a session would end up to a second early.
    login_at = 1796037911.4049

    stored = fields.decode(fields.encode({fields.LOGIN_AT: login_at}).encode())[fields.LOGIN_AT]

    assert login_at - 0.001 < stored <= login_at


@pytest.mark.parametrize(
    "data", [{"a": "b", "n": 7}, {"a": "b", "nested": [1, {"c": 2}]}], ids=["flat", "nested"]
)
def test_two_reads_of_the_same_stored_session_each_get_data_of_their_own(data):
    stored = fields.encode(data).encode()
    first = fields.decode(stored)

    first["a"] = "changed"
    if "nested" in first:
        first["nested"][1]["c"] = 3

    assert fields.decode(stored) == data
