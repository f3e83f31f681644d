"""
What a session may hold: JSON, kept by the "sessions" cache's serializer.
And SessionBase's encode() and decode(), which the cache backend does not
use but keeps.
"""

import logging

import pytest

from .helpers import JSON_VALUES, NOT_JSON


@pytest.mark.parametrize("value", JSON_VALUES.values(), ids=JSON_VALUES.keys())
def test_a_json_value_comes_back_as_it_was_saved(SessionStore, value):
    store = SessionStore()
    store["value"] = value
    store.save()

    assert SessionStore(store.session_key)["value"] == value


@pytest.mark.parametrize("value", NOT_JSON.values(), ids=NOT_JSON.keys())
def test_saving_a_value_json_cannot_hold_raises_type_error(SessionStore, value):
    store = SessionStore()
    store["value"] = value

    with pytest.raises(TypeError):
        store.save()


def test_a_new_session_that_json_cannot_hold_is_not_stored(SessionStore, redis_client):
    store = SessionStore()
    store["value"] = object()

    with pytest.raises(TypeError):
        store.save()
    assert redis_client.keys("*") == []


def test_a_change_that_json_cannot_hold_leaves_the_stored_session_as_it_was(SessionStore, saved):
    saved["a"] = object()

    with pytest.raises(TypeError):
        saved.save()
    assert SessionStore(saved.session_key).load() == {"a": "c", "b": "d"}


def test_decode_reads_what_encode_wrote(SessionStore):
    store = SessionStore()
    data = {"a test key": "a test value", "n": [1, 2]}

    assert store.decode(store.encode(data)) == data


def test_decode_of_tampered_data_is_an_empty_session(SessionStore):
    store = SessionStore()
    encoded = store.encode({"is_admin": False})

    tampered = encoded[:-1] + ("A" if encoded[-1] != "A" else "B")  # the signature's last character

    assert store.decode(tampered) == {}


def test_decode_of_tampered_data_is_logged_as_suspicious(SessionStore, caplog):
    with caplog.at_level(logging.WARNING, logger="django.security.SuspiciousSession"):
        SessionStore().decode("bad:encoded:value")

    assert [record.getMessage() for record in caplog.records] == ["Session data corrupted"]
