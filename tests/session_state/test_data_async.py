"""
The async half of the session as a dictionary (Django 5.2's SessionBase):
aget, aset, apop, asetdefault, aupdate, ahas_key, akeys, avalues, aitems
and the test cookie's. Django 5.2 has no aclear or ais_empty (clear() and
is_empty() never load the session) and no async del.
"""

import pytest

pytestmark = pytest.mark.asyncio

READS = {
    "aget": lambda store: store.aget("x"),
    "ahas_key": lambda store: store.ahas_key("x"),
    "akeys": lambda store: store.akeys(),
    "avalues": lambda store: store.avalues(),
    "aitems": lambda store: store.aitems(),
}


async def test_aget_of_a_missing_key_is_none(SessionStore):
    assert await SessionStore().aget("cat") is None


async def test_aget_of_a_missing_key_gives_the_default(SessionStore):
    assert await SessionStore().aget("cat", "none here") == "none here"


async def test_a_value_aset_is_read_back(SessionStore):
    store = SessionStore()

    await store.aset("cat", "dog")

    assert await store.aget("cat") == "dog"


async def test_aset_marks_the_session_modified(SessionStore):
    store = SessionStore()

    await store.aset("cat", "dog")

    assert store.modified is True


@pytest.mark.parametrize("read", READS.values(), ids=READS.keys())
async def test_reading_asynchronously_marks_the_session_accessed_but_not_modified(store, read):
    await read(store)

    assert store.accessed is True
    assert store.modified is False


async def test_apop_returns_the_value_and_removes_it(store):
    assert await store.apop("x") == 1
    assert await store.ahas_key("x") is False


async def test_apop_of_a_present_key_marks_the_session_accessed_and_modified(store):
    await store.apop("x")

    assert store.accessed is True
    assert store.modified is True


async def test_apop_of_a_missing_key_gives_the_default_and_leaves_the_session_unmodified(store):
    assert await store.apop("cat", "no cat") == "no cat"
    assert store.accessed is True
    assert store.modified is False


async def test_apop_takes_its_default_as_a_named_argument(store):
    assert await store.apop("cat", default="no cat") == "no cat"


async def test_apop_of_a_missing_key_without_a_default_raises_key_error(store):
    with pytest.raises(KeyError):
        await store.apop("cat")


async def test_asetdefault_of_a_missing_key_sets_it_and_returns_it(store):
    assert await store.asetdefault("cat", "dog") == "dog"
    assert await store.aget("cat") == "dog"
    assert store.modified is True


async def test_asetdefault_of_a_present_key_keeps_its_value_and_leaves_the_session_unmodified(store):
    assert await store.asetdefault("x", 2) == 1
    assert await store.aget("x") == 1
    assert store.modified is False


async def test_aupdate_adds_the_values_and_marks_the_session_accessed_and_modified(store):
    await store.aupdate({"y": 2, "z": 3})

    assert dict(await store.aitems()) == {"x": 1, "y": 2, "z": 3}
    assert store.accessed is True
    assert store.modified is True


async def test_ahas_key_tells_a_present_key_from_a_missing_one(store):
    assert await store.ahas_key("x") is True
    assert await store.ahas_key("cat") is False


async def test_akeys_lists_the_keys(store):
    await store.aset("y", 2)

    assert sorted(await store.akeys()) == ["x", "y"]


async def test_avalues_lists_the_values(store):
    await store.aset("y", 2)

    assert sorted(await store.avalues()) == [1, 2]


async def test_aitems_lists_the_pairs(store):
    await store.aset("y", 2)

    assert sorted(await store.aitems()) == [("x", 1), ("y", 2)]


async def test_the_test_cookie_set_asynchronously_works(SessionStore):
    store = SessionStore()

    await store.aset_test_cookie()

    assert await store.atest_cookie_worked() is True


async def test_the_test_cookie_deleted_asynchronously_no_longer_works(SessionStore):
    store = SessionStore()
    await store.aset_test_cookie()

    await store.adelete_test_cookie()

    assert await store.atest_cookie_worked() is False
