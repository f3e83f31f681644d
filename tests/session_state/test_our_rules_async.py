"""
Our own rules, which the async half must keep exactly as the sync half
does (test_our_rules.py and tests/accounts/). Django's async methods, as
the store inherits them today, keep almost none of them.
"""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted

from ops.redis_cluster import REDIS_FAILURES

from .helpers import FRESH_STORES, LISTED_TAG, backdate_login, redis_key
from .names import ANONYMOUS_MARK, LOGGED_IN_MARK, PUBLIC_ID, index, keys

pytestmark = pytest.mark.asyncio

LOGGED_IN_KEY = LOGGED_IN_MARK + "7" * (keys.SESSION_ID_LENGTH - 1)


async def test_aload_during_a_redis_outage_raises_a_redis_error(SessionStore, redis_down):
    store = SessionStore(LOGGED_IN_KEY)

    with pytest.raises(REDIS_FAILURES):
        await store.aload()


async def test_aload_during_a_redis_outage_keeps_the_session_key(SessionStore, redis_down):
    store = SessionStore(LOGGED_IN_KEY)

    with pytest.raises(REDIS_FAILURES):
        await store.aload()
    assert store.session_key == LOGGED_IN_KEY


async def test_aload_past_the_absolute_timeout_is_an_empty_session(
    SessionStore, listed_session, redis_client
):
    backdate_login(redis_client, listed_session, settings.SESSION_ABSOLUTE_TIMEOUT + 1)

    assert await SessionStore(listed_session.session_key).aload() == {}


async def test_aload_past_the_absolute_timeout_deletes_the_session(
    SessionStore, listed_session, redis_client
):
    backdate_login(redis_client, listed_session, settings.SESSION_ABSOLUTE_TIMEOUT + 1)

    await SessionStore(listed_session.session_key).aload()

    assert not redis_client.exists(redis_key(listed_session))


async def test_aload_just_before_the_absolute_timeout_keeps_the_session(
    SessionStore, listed_session, redis_client
):
    backdate_login(redis_client, listed_session, settings.SESSION_ABSOLUTE_TIMEOUT - 60)

    assert (await SessionStore(listed_session.session_key).aload())[PUBLIC_ID] == listed_session[PUBLIC_ID]


async def test_aload_of_a_logged_in_session_ended_elsewhere_marks_the_store_ended(
    SessionStore, listed_session
):
    index.end(tag=LISTED_TAG, public_ids=[listed_session[PUBLIC_ID]])
    store = SessionStore(listed_session.session_key)

    await store.aload()

    assert store.ended is True


async def test_aload_of_an_anonymous_session_that_is_gone_does_not_mark_the_store_ended(SessionStore, saved):
    saved.delete()
    store = SessionStore(saved.session_key)

    await store.aload()

    assert store.ended is False


async def test_acreate_gives_a_new_session_the_anonymous_mark(SessionStore):
    marks = set()
    for _n in range(FRESH_STORES):
        store = SessionStore()
        await store.acreate()
        marks.add(store.session_key[0])

    assert marks == {ANONYMOUS_MARK}


async def test_acreate_costs_one_round_trip(SessionStore, round_trips):
    await SessionStore().acreate()  # once before, for the connection to be open
    store = SessionStore()

    with round_trips:
        await store.acreate()

    assert round_trips.count == 1


async def test_asave_of_an_existing_session_costs_one_round_trip(saved, round_trips):
    await saved.aset("a", "changed")
    await saved.asave()  # once before, for the connection to be open

    with round_trips:
        await saved.asave()

    assert round_trips.count == 1


async def test_asave_of_a_session_ended_elsewhere_does_not_write_it_back(SessionStore, saved, redis_client):
    await SessionStore(saved.session_key).adelete()  # a logout in another tab
    await saved.aset("a", "changed")

    with pytest.raises((UpdateError, SessionInterrupted)):
        await saved.asave()
    assert redis_client.keys("*") == []


async def test_acycle_key_keeps_the_mark_and_tag_of_the_sessions_owner(saved, listed_session):
    for store in (saved, listed_session):
        owner = store.session_key[: 1 + keys.TAG_LENGTH]

        await store.acycle_key()

        assert store.session_key[: 1 + keys.TAG_LENGTH] == owner


async def test_acycle_key_keeps_a_listed_session_in_its_users_list(SessionStore, listed_session):
    store = SessionStore(listed_session.session_key)

    await store.acycle_key()

    listed = index.list_sessions(tag=LISTED_TAG)
    assert [session.public_id for session in listed] == [listed_session[PUBLIC_ID]]


async def test_a_listed_session_ended_elsewhere_after_acycle_key_is_gone_under_its_new_key(
    SessionStore, listed_session
):
    store = SessionStore(listed_session.session_key)
    await store.acycle_key()

    index.end(tag=LISTED_TAG, public_ids=[await store.aget(PUBLIC_ID)])

    assert await store.aexists(store.session_key) is False


async def test_acycle_key_of_a_listed_session_ended_meanwhile_raises_and_keeps_it_ended(
    SessionStore, listed_session, redis_client
):
    store = SessionStore(listed_session.session_key)
    public_id = await store.aget(PUBLIC_ID)  # this request has read its session ...
    index.end(tag=LISTED_TAG, public_ids=[public_id])  # ... when another request ends it

    with pytest.raises(SessionInterrupted):
        await store.acycle_key()
    assert redis_client.keys("*") == []
