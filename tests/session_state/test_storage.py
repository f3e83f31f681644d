"""
The session in Redis: save and load, exists, delete, flush, cycle_key, and
keys the store never issued, as Django's session backends define them.

A save of a session ended meanwhile is refused (UpdateError): tested in
tests/accounts/test_sessions.py.
"""

import contextlib

import pytest
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, UpdateError

from session_state.keys import SESSION_ID_LENGTH

from .helpers import FRESH_STORES, MALFORMED_KEYS, UNKNOWN_KEY, redis_key, redis_key_for


def test_a_saved_session_exists(saved):
    assert saved.exists(saved.session_key) is True


def test_a_saved_session_loads_in_a_new_store_with_its_key(SessionStore, saved):
    assert SessionStore(saved.session_key).load() == {"a": "c", "b": "d"}


def test_a_saved_session_is_read_through_a_new_store_with_its_key(SessionStore, saved):
    assert SessionStore(saved.session_key)["a"] == "c"


def test_saving_keeps_the_data_in_the_store(saved):
    assert dict(saved.items()) == {"a": "c", "b": "d"}


def test_a_change_saved_is_loaded_by_the_next_store(SessionStore, saved):
    saved["a"] = "changed"
    saved.save()

    assert SessionStore(saved.session_key)["a"] == "changed"


def test_a_saved_session_has_a_key_of_valid_key_characters_of_the_shops_length(saved):
    assert len(saved.session_key) == SESSION_ID_LENGTH
    assert set(saved.session_key) <= set(VALID_KEY_CHARS)


def test_every_new_session_gets_a_key_of_its_own(SessionStore):
    keys = set()
    for _n in range(FRESH_STORES):
        store = SessionStore()
        store.save()
        keys.add(store.session_key)

    assert len(keys) == FRESH_STORES


def test_an_unknown_key_does_not_exist(SessionStore):
    assert SessionStore().exists(UNKNOWN_KEY) is False


def test_no_key_does_not_exist(SessionStore):
    assert SessionStore().exists(None) is False


def test_create_stores_an_empty_session_at_once(SessionStore):
    store = SessionStore()

    store.create()

    assert SessionStore(store.session_key).load() == {}


def test_create_then_save_keeps_the_session(SessionStore):
    store = SessionStore()
    store.create()
    store["a"] = "b"

    store.save()

    assert SessionStore(store.session_key).load() == {"a": "b"}


def test_delete_deletes_the_stores_own_session(saved):
    saved.delete()

    assert saved.exists(saved.session_key) is False


def test_delete_with_a_key_deletes_that_session(SessionStore, saved):
    SessionStore().delete(saved.session_key)

    assert saved.exists(saved.session_key) is False


def test_delete_of_a_session_never_saved_does_nothing(SessionStore, redis_client):
    SessionStore().delete()

    assert redis_client.keys("*") == []


def test_a_deleted_session_loads_as_empty(SessionStore, saved):
    saved.delete()

    assert SessionStore(saved.session_key).load() == {}


def test_flush_deletes_the_stored_session(saved):
    old_key = saved.session_key

    saved.flush()

    assert saved.exists(old_key) is False


def test_flush_empties_the_data(saved):
    saved.flush()

    assert list(saved.items()) == []


def test_flush_leaves_the_store_without_a_key(saved):
    saved.flush()

    assert saved.session_key is None


def test_flush_marks_the_session_accessed_and_modified(saved):
    saved.modified = saved.accessed = False

    saved.flush()

    assert saved.accessed is True
    assert saved.modified is True


def test_a_flushed_session_saved_again_gets_a_new_key(saved):
    old_key = saved.session_key
    saved.flush()

    saved.save()

    assert saved.session_key not in (None, old_key)


def test_cycle_key_keeps_the_data(saved):
    saved.cycle_key()

    assert dict(saved.items()) == {"a": "c", "b": "d"}


def test_cycle_key_changes_the_key(saved):
    old_key = saved.session_key

    saved.cycle_key()

    assert saved.session_key not in (None, old_key)


def test_cycle_key_deletes_the_old_key(saved):
    old_key = saved.session_key

    saved.cycle_key()

    assert saved.exists(old_key) is False


def test_cycle_key_stores_the_data_under_the_new_key(SessionStore, saved):
    saved.cycle_key()

    assert SessionStore(saved.session_key).load() == {"a": "c", "b": "d"}


def test_cycle_key_of_a_session_not_yet_read_keeps_its_data(SessionStore, saved):
    store = SessionStore(saved.session_key)

    store.cycle_key()

    assert dict(store.items()) == {"a": "c", "b": "d"}


def test_cycle_key_of_an_unsaved_session_gives_it_a_key_and_keeps_its_data(SessionStore):
    store = SessionStore()
    store["a"] = "b"

    store.cycle_key()

    assert store.session_key is not None
    assert dict(store.items()) == {"a": "b"}


def test_a_new_session_has_no_key_until_saved(SessionStore):
    assert SessionStore().session_key is None


def test_the_session_key_is_read_only(saved):
    with pytest.raises(AttributeError):
        saved.session_key = UNKNOWN_KEY


def test_a_well_formed_key_is_taken_as_given(SessionStore):
    assert SessionStore(UNKNOWN_KEY).session_key == UNKNOWN_KEY


@pytest.mark.parametrize("key", MALFORMED_KEYS.values(), ids=MALFORMED_KEYS.keys())
def test_a_malformed_key_is_refused_at_once(SessionStore, key):
    assert SessionStore(key).session_key is None


def test_load_of_a_store_without_a_key_is_an_empty_session(SessionStore):
    assert [SessionStore().load() for _n in range(FRESH_STORES)] == [{}] * FRESH_STORES


@pytest.mark.parametrize("key", MALFORMED_KEYS.values(), ids=MALFORMED_KEYS.keys())
def test_load_of_a_malformed_key_is_an_empty_session(SessionStore, key):
    assert [SessionStore(key).load() for _n in range(FRESH_STORES)] == [{}] * FRESH_STORES


def test_load_of_an_unknown_key_is_an_empty_session(SessionStore):
    assert SessionStore(UNKNOWN_KEY).load() == {}


def test_load_of_an_unknown_key_leaves_the_store_without_a_key(SessionStore):
    store = SessionStore(UNKNOWN_KEY)

    store.load()

    assert store.session_key is None


def test_load_of_an_unknown_key_stores_nothing(SessionStore, redis_client):
    SessionStore(UNKNOWN_KEY).load()

    assert redis_client.keys("*") == []


def test_load_of_a_malformed_key_stores_nothing(SessionStore, redis_client):
    for _n in range(FRESH_STORES):
        SessionStore(MALFORMED_KEYS["someunknownkey"]).load()

    assert redis_client.keys("*") == []


def test_a_store_whose_unknown_key_was_read_is_empty(SessionStore):
    store = SessionStore(UNKNOWN_KEY)

    store.get("cat")

    assert store.is_empty() is True


def test_saving_a_store_whose_unknown_key_was_read_gives_it_a_new_key(SessionStore):
    store = SessionStore(UNKNOWN_KEY)
    store.get("cat")  # as the middleware's request would

    store.save()

    assert store.session_key not in (None, UNKNOWN_KEY)
    assert store.exists(UNKNOWN_KEY) is False


def test_saving_a_store_made_with_a_malformed_key_gives_it_a_new_valid_key(SessionStore):
    store = SessionStore("1")

    store.save()

    assert store.session_key is not None
    assert SessionStore(store.session_key).session_key == store.session_key


def test_saving_a_store_made_with_an_unknown_key_unread_never_stores_that_key(SessionStore, redis_client):
    store = SessionStore(UNKNOWN_KEY)

    # Refused (UpdateError, as Django's cache backend and today's store do)
    # or saved under a new key: either way, never under the key given.
    with contextlib.suppress(UpdateError):
        store.save()
    assert not redis_client.exists(redis_key_for(UNKNOWN_KEY))


def test_the_session_key_is_not_in_the_data(saved):
    assert saved.session_key not in saved
    assert saved.session_key not in saved.values()


def test_the_session_key_is_not_in_what_redis_holds(saved, redis_client):
    assert saved.session_key not in redis_client.get(redis_key(saved))
