"""What a session may hold, saved asynchronously."""

import pytest

from .helpers import JSON_VALUES, NOT_JSON

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize("value", JSON_VALUES.values(), ids=JSON_VALUES.keys())
async def test_a_json_value_comes_back_as_it_was_asaved(SessionStore, value):
    store = SessionStore()
    await store.aset("value", value)
    await store.asave()

    assert await SessionStore(store.session_key).aget("value") == value


@pytest.mark.parametrize("value", NOT_JSON.values(), ids=NOT_JSON.keys())
async def test_asaving_a_value_json_cannot_hold_raises_type_error(SessionStore, value):
    store = SessionStore()
    await store.aset("value", value)

    with pytest.raises(TypeError):
        await store.asave()


async def test_a_new_session_that_json_cannot_hold_is_not_astored(SessionStore, redis_client):
    store = SessionStore()
    await store.aset("value", object())

    with pytest.raises(TypeError):
        await store.asave()
    assert redis_client.keys("*") == []


async def test_a_change_that_json_cannot_hold_leaves_the_asaved_session_as_it_was(SessionStore, saved):
    await saved.aset("a", object())

    with pytest.raises(TypeError):
        await saved.asave()
    assert await SessionStore(saved.session_key).aload() == {"a": "c", "b": "d"}
