"""
The async half of expiry (Django 5.2's SessionBase): aget_expiry_age,
aget_expiry_date, aset_expiry, aget_expire_at_browser_close; and a
session asaved with an expiry expires in Redis.
"""

import asyncio
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from .helpers import redis_key

pytestmark = pytest.mark.asyncio

MODIFICATION = timezone.now()
TEN_SECONDS = timedelta(seconds=10)


async def test_the_default_expiry_age_is_the_idle_timeout_asynchronously(SessionStore):
    assert await SessionStore().aget_expiry_age() == settings.SESSION_COOKIE_AGE


async def test_the_default_expiry_date_is_the_idle_timeout_after_the_modification_asynchronously(
    SessionStore,
):
    expected = MODIFICATION + timedelta(seconds=settings.SESSION_COOKIE_AGE)

    assert await SessionStore().aget_expiry_date(modification=MODIFICATION) == expected


async def test_an_expiry_in_seconds_aset_is_the_expiry_age(SessionStore):
    store = SessionStore()

    await store.aset_expiry(10)

    assert await store.aget_expiry_age(modification=MODIFICATION) == 10


async def test_an_expiry_in_seconds_aset_counts_from_the_modification(SessionStore):
    store = SessionStore()

    await store.aset_expiry(10)

    assert await store.aget_expiry_date(modification=MODIFICATION) == MODIFICATION + TEN_SECONDS


async def test_an_expiry_as_a_timedelta_aset_counts_from_when_it_was_set(SessionStore, monkeypatch):
    store = SessionStore()
    monkeypatch.setattr(timezone, "now", lambda: MODIFICATION)

    await store.aset_expiry(TEN_SECONDS)

    assert await store.aget_expiry_age(modification=MODIFICATION) == 10
    assert await store.aget_expiry_date(modification=MODIFICATION) == MODIFICATION + TEN_SECONDS


async def test_an_expiry_as_a_datetime_aset_is_the_expiry_date(SessionStore):
    store = SessionStore()

    await store.aset_expiry(MODIFICATION + TEN_SECONDS)

    assert await store.aget_expiry_age(modification=MODIFICATION) == 10
    assert await store.aget_expiry_date(modification=MODIFICATION) == MODIFICATION + TEN_SECONDS


async def test_an_expiry_of_zero_aset_keeps_the_default_age(SessionStore):
    store = SessionStore()

    await store.aset_expiry(0)

    assert await store.aget_expiry_age() == settings.SESSION_COOKIE_AGE


async def test_an_expiry_of_zero_aset_expires_at_browser_close(SessionStore, settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = False
    store = SessionStore()

    await store.aset_expiry(0)

    assert await store.aget_expire_at_browser_close() is True


@pytest.mark.parametrize(
    "expiry", [10, MODIFICATION + TEN_SECONDS, TEN_SECONDS], ids=["seconds", "datetime", "timedelta"]
)
async def test_an_expiry_other_than_zero_aset_does_not_expire_at_browser_close(
    SessionStore, settings, expiry
):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    store = SessionStore()

    await store.aset_expiry(expiry)

    assert await store.aget_expire_at_browser_close() is False


@pytest.mark.parametrize("at_browser_close", [True, False])
async def test_without_an_expiry_browser_close_follows_the_setting_asynchronously(
    SessionStore, settings, at_browser_close
):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = at_browser_close

    assert await SessionStore().aget_expire_at_browser_close() is at_browser_close


async def test_an_expiry_of_none_aset_goes_back_to_the_default(SessionStore):
    store = SessionStore()
    await store.aset_expiry(10)

    await store.aset_expiry(None)

    assert await store.aget_expiry_age() == settings.SESSION_COOKIE_AGE


@pytest.mark.parametrize("at_browser_close", [True, False])
async def test_an_expiry_of_none_aset_goes_back_to_the_browser_close_setting(
    SessionStore, settings, at_browser_close
):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = at_browser_close
    store = SessionStore()
    await store.aset_expiry(10 if at_browser_close else 0)  # the other answer first

    await store.aset_expiry(None)

    assert await store.aget_expire_at_browser_close() is at_browser_close


async def test_an_expiry_of_none_aset_without_one_set_does_nothing(SessionStore):
    store = SessionStore()

    await store.aset_expiry(None)

    assert await store.aget_expiry_age() == settings.SESSION_COOKIE_AGE
    assert store.modified is False


async def test_aget_expiry_age_given_an_expiry_in_seconds_returns_it(SessionStore):
    assert await SessionStore().aget_expiry_age(expiry=10) == 10


@pytest.mark.parametrize(
    "expiry",
    [MODIFICATION + TEN_SECONDS, (MODIFICATION + TEN_SECONDS).isoformat()],
    ids=["datetime", "iso string"],
)
async def test_aget_expiry_age_given_an_expiry_date_counts_from_the_modification(SessionStore, expiry):
    assert await SessionStore().aget_expiry_age(modification=MODIFICATION, expiry=expiry) == 10


@pytest.mark.parametrize("expiry", [None, 0])
async def test_aget_expiry_age_given_no_expiry_is_the_idle_timeout(SessionStore, expiry):
    assert await SessionStore().aget_expiry_age(expiry=expiry) == settings.SESSION_COOKIE_AGE


async def test_aget_expiry_date_given_an_expiry_in_seconds_counts_from_the_modification(SessionStore):
    date = await SessionStore().aget_expiry_date(modification=MODIFICATION, expiry=10)

    assert date == MODIFICATION + TEN_SECONDS


@pytest.mark.parametrize(
    "expiry",
    [MODIFICATION + TEN_SECONDS, (MODIFICATION + TEN_SECONDS).isoformat()],
    ids=["datetime", "iso string"],
)
async def test_aget_expiry_date_given_an_expiry_date_returns_it(SessionStore, expiry):
    assert await SessionStore().aget_expiry_date(expiry=expiry) == MODIFICATION + TEN_SECONDS


async def test_aget_expiry_age_and_date_given_an_expiry_do_not_read_the_session(SessionStore, saved):
    store = SessionStore(saved.session_key)

    await store.aget_expiry_age(expiry=10)
    await store.aget_expiry_date(expiry=10)

    assert store.accessed is False


async def test_a_custom_expiry_asaved_is_the_time_to_live_in_redis(SessionStore, redis_client):
    store = SessionStore()
    await store.aset_expiry(10)

    await store.asave()

    assert 0 < redis_client.ttl(redis_key(store)) <= 10


async def test_a_session_asaved_with_an_expiry_in_the_past_expires_at_once(SessionStore):
    store = SessionStore()
    await store.aset("foo", "bar")
    await store.aset_expiry(-TEN_SECONDS)

    await store.asave()

    assert await SessionStore(store.session_key).ahas_key("foo") is False


async def test_a_session_asaved_with_a_one_second_expiry_is_gone_from_redis_soon_after(
    SessionStore, redis_client
):
    store = SessionStore()
    await store.aset("foo", "bar")
    await store.aset_expiry(1)
    await store.asave()
    key = redis_key(store)

    deadline = time.monotonic() + 5
    while redis_client.exists(key) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)

    assert not redis_client.exists(key)
    assert await SessionStore(store.session_key).aload() == {}
