"""
The async half of the session in Redis (Django 5.2's SessionBase and cache
backend): aload, asave, acreate, aexists, adelete, aflush, acycle_key.
"""

import contextlib
import json

import pytest
from django.contrib.sessions.backends.base import UpdateError

from .helpers import FRESH_STORES, MALFORMED_KEYS, UNKNOWN_KEY, redis_key_for

pytestmark = pytest.mark.asyncio


async def test_a_session_asaved_exists(SessionStore):
    store = SessionStore()
    await store.aset("a", "b")

    await store.asave()

    assert await store.aexists(store.session_key) is True


async def test_a_session_asaved_aloads_in_a_new_store_with_its_key(SessionStore):
    store = SessionStore()
    await store.aset("a", "b")

    await store.asave()

    assert await SessionStore(store.session_key).aload() == {"a": "b"}


async def test_a_session_saved_synchronously_aloads_too(SessionStore, saved):
    assert await SessionStore(saved.session_key).aload() == {"a": "c", "b": "d"}


async def test_asave_keeps_the_data_in_the_store(SessionStore):
    store = SessionStore()
    await store.aset("a", "b")

    await store.asave()

    assert dict(await store.aitems()) == {"a": "b"}


async def test_a_change_asaved_is_loaded_by_the_next_store(SessionStore, saved):
    await saved.aset("a", "changed")

    await saved.asave()

    assert await SessionStore(saved.session_key).aget("a") == "changed"


async def test_an_unknown_key_does_not_aexist(SessionStore):
    assert await SessionStore().aexists(UNKNOWN_KEY) is False


async def test_no_key_does_not_aexist(SessionStore):
    assert await SessionStore().aexists(None) is False


async def test_acreate_stores_an_empty_session_at_once(SessionStore):
    store = SessionStore()

    await store.acreate()

    assert await SessionStore(store.session_key).aload() == {}


async def test_acreate_then_asave_keeps_the_session_under_its_key(SessionStore, redis_client):
    store = SessionStore()
    await store.acreate()
    await store.aset("a", "b")

    await store.asave()

    assert json.loads(redis_client.get(redis_key_for(store.session_key))) == {"a": "b"}


async def test_adelete_deletes_the_stores_own_session(saved):
    await saved.adelete()

    assert await saved.aexists(saved.session_key) is False


async def test_adelete_with_a_key_deletes_that_session(SessionStore, saved):
    await SessionStore().adelete(saved.session_key)

    assert await saved.aexists(saved.session_key) is False


async def test_adelete_of_a_session_never_saved_does_nothing(SessionStore, redis_client):
    await SessionStore().adelete()

    assert redis_client.keys("*") == []


async def test_aflush_deletes_the_stored_session(saved):
    old_key = saved.session_key

    await saved.aflush()

    assert await saved.aexists(old_key) is False


async def test_aflush_empties_the_data(saved):
    await saved.aflush()

    assert list(await saved.aitems()) == []


async def test_aflush_leaves_the_store_without_a_key(saved):
    await saved.aflush()

    assert saved.session_key is None


async def test_aflush_marks_the_session_accessed_and_modified(saved):
    saved.modified = saved.accessed = False

    await saved.aflush()

    assert saved.accessed is True
    assert saved.modified is True


async def test_acycle_key_keeps_the_data(saved):
    await saved.acycle_key()

    assert dict(await saved.aitems()) == {"a": "c", "b": "d"}


async def test_acycle_key_changes_the_key(saved):
    old_key = saved.session_key

    await saved.acycle_key()

    assert saved.session_key not in (None, old_key)


async def test_acycle_key_deletes_the_old_key(saved):
    old_key = saved.session_key

    await saved.acycle_key()

    assert await saved.aexists(old_key) is False


async def test_acycle_key_stores_the_data_under_the_new_key(SessionStore, saved):
    await saved.acycle_key()

    assert await SessionStore(saved.session_key).aload() == {"a": "c", "b": "d"}


async def test_acycle_key_of_a_session_not_yet_read_keeps_its_data(SessionStore, saved):
    store = SessionStore(saved.session_key)

    await store.acycle_key()

    assert dict(await store.aitems()) == {"a": "c", "b": "d"}


async def test_acycle_key_of_an_unsaved_session_gives_it_a_key_and_keeps_its_data(SessionStore):
    store = SessionStore()
    await store.aset("a", "b")

    await store.acycle_key()

    assert store.session_key is not None
    assert dict(await store.aitems()) == {"a": "b"}


async def test_aload_of_a_store_without_a_key_is_an_empty_session(SessionStore):
    assert [await SessionStore().aload() for _n in range(FRESH_STORES)] == [{}] * FRESH_STORES


@pytest.mark.parametrize("key", MALFORMED_KEYS.values(), ids=MALFORMED_KEYS.keys())
async def test_aload_of_a_malformed_key_is_an_empty_session(SessionStore, key):
    assert [await SessionStore(key).aload() for _n in range(FRESH_STORES)] == [{}] * FRESH_STORES


async def test_aload_of_an_unknown_key_is_an_empty_session(SessionStore):
    assert await SessionStore(UNKNOWN_KEY).aload() == {}


async def test_aload_of_an_unknown_key_leaves_the_store_without_a_key(SessionStore):
    store = SessionStore(UNKNOWN_KEY)

    await store.aload()

    assert store.session_key is None


async def test_aload_of_an_unknown_key_stores_nothing(SessionStore, redis_client):
    await SessionStore(UNKNOWN_KEY).aload()

    assert redis_client.keys("*") == []


async def test_aload_of_a_malformed_key_stores_nothing(SessionStore, redis_client):
    for _n in range(FRESH_STORES):
        await SessionStore(MALFORMED_KEYS["someunknownkey"]).aload()

    assert redis_client.keys("*") == []


async def test_asaving_a_store_whose_unknown_key_was_read_gives_it_a_new_key(SessionStore):
    store = SessionStore(UNKNOWN_KEY)
    await store.aget("cat")  # as the middleware's request would

    await store.asave()

    assert store.session_key not in (None, UNKNOWN_KEY)
    assert await store.aexists(UNKNOWN_KEY) is False


async def test_asaving_a_store_made_with_a_malformed_key_gives_it_a_new_valid_key(SessionStore):
    store = SessionStore("1")

    await store.asave()

    assert store.session_key is not None
    assert SessionStore(store.session_key).session_key == store.session_key


async def test_asaving_a_store_made_with_an_unknown_key_unread_never_stores_that_key(
    SessionStore, redis_client
):
    store = SessionStore(UNKNOWN_KEY)

    with contextlib.suppress(UpdateError):
        await store.asave()
    assert not redis_client.exists(redis_key_for(UNKNOWN_KEY))
