"""Expiry as Django's SessionBase defines it, and as Redis carries it out."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from .helpers import redis_key

MODIFICATION = timezone.now()
TEN_SECONDS = timedelta(seconds=10)


def test_the_default_expiry_age_is_the_idle_timeout(SessionStore):
    assert SessionStore().get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_the_default_expiry_date_is_the_idle_timeout_after_the_modification(SessionStore):
    expected = MODIFICATION + timedelta(seconds=settings.SESSION_COOKIE_AGE)

    assert SessionStore().get_expiry_date(modification=MODIFICATION) == expected


def test_the_default_expiry_date_is_the_idle_timeout_from_now(SessionStore):
    before = timezone.now()
    date = SessionStore().get_expiry_date()
    after = timezone.now()

    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert before + age <= date <= after + age


def test_an_expiry_in_seconds_is_the_expiry_age(SessionStore):
    store = SessionStore()

    store.set_expiry(10)

    assert store.get_expiry_age(modification=MODIFICATION) == 10


def test_an_expiry_in_seconds_counts_from_the_modification(SessionStore):
    store = SessionStore()

    store.set_expiry(10)

    assert store.get_expiry_date(modification=MODIFICATION) == MODIFICATION + TEN_SECONDS


def test_an_expiry_as_a_timedelta_counts_from_when_it_was_set(SessionStore, monkeypatch):
    store = SessionStore()
    monkeypatch.setattr(timezone, "now", lambda: MODIFICATION)

    store.set_expiry(TEN_SECONDS)

    assert store.get_expiry_age(modification=MODIFICATION) == 10
    assert store.get_expiry_date(modification=MODIFICATION) == MODIFICATION + TEN_SECONDS


def test_an_expiry_as_a_datetime_is_the_expiry_date(SessionStore):
    store = SessionStore()

    store.set_expiry(MODIFICATION + TEN_SECONDS)

    assert store.get_expiry_age(modification=MODIFICATION) == 10
    assert store.get_expiry_date(modification=MODIFICATION) == MODIFICATION + TEN_SECONDS


def test_an_expiry_of_zero_keeps_the_default_age(SessionStore):
    store = SessionStore()

    store.set_expiry(0)

    assert store.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_an_expiry_of_zero_expires_at_browser_close(SessionStore, settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = False
    store = SessionStore()

    store.set_expiry(0)

    assert store.get_expire_at_browser_close() is True


@pytest.mark.parametrize(
    "expiry", [10, MODIFICATION + TEN_SECONDS, TEN_SECONDS], ids=["seconds", "datetime", "timedelta"]
)
def test_an_expiry_other_than_zero_does_not_expire_at_browser_close(SessionStore, settings, expiry):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    store = SessionStore()

    store.set_expiry(expiry)

    assert store.get_expire_at_browser_close() is False


@pytest.mark.parametrize("at_browser_close", [True, False])
def test_without_an_expiry_browser_close_follows_the_setting(SessionStore, settings, at_browser_close):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = at_browser_close

    assert SessionStore().get_expire_at_browser_close() is at_browser_close


def test_an_expiry_of_none_goes_back_to_the_default(SessionStore):
    store = SessionStore()
    store.set_expiry(10)

    store.set_expiry(None)

    assert store.get_expiry_age() == settings.SESSION_COOKIE_AGE


@pytest.mark.parametrize("at_browser_close", [True, False])
def test_an_expiry_of_none_goes_back_to_the_browser_close_setting(SessionStore, settings, at_browser_close):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = at_browser_close
    store = SessionStore()
    store.set_expiry(10 if at_browser_close else 0)  # the other answer first

    store.set_expiry(None)

    assert store.get_expire_at_browser_close() is at_browser_close


def test_an_expiry_of_none_without_one_set_does_nothing(SessionStore):
    store = SessionStore()

    store.set_expiry(None)

    assert store.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert store.modified is False


def test_get_expiry_age_given_an_expiry_in_seconds_returns_it(SessionStore):
    assert SessionStore().get_expiry_age(expiry=10) == 10


@pytest.mark.parametrize(
    "expiry",
    [MODIFICATION + TEN_SECONDS, (MODIFICATION + TEN_SECONDS).isoformat()],
    ids=["datetime", "iso string"],
)
def test_get_expiry_age_given_an_expiry_date_counts_from_the_modification(SessionStore, expiry):
    assert SessionStore().get_expiry_age(modification=MODIFICATION, expiry=expiry) == 10


@pytest.mark.parametrize("expiry", [None, 0])
def test_get_expiry_age_given_no_expiry_is_the_idle_timeout(SessionStore, expiry):
    assert SessionStore().get_expiry_age(expiry=expiry) == settings.SESSION_COOKIE_AGE


def test_get_expiry_age_given_an_expiry_ignores_the_sessions_own(SessionStore):
    store = SessionStore()
    store.set_expiry(60)

    assert store.get_expiry_age(expiry=10) == 10


def test_get_expiry_date_given_an_expiry_in_seconds_counts_from_the_modification(SessionStore):
    assert SessionStore().get_expiry_date(modification=MODIFICATION, expiry=10) == MODIFICATION + TEN_SECONDS


@pytest.mark.parametrize(
    "expiry",
    [MODIFICATION + TEN_SECONDS, (MODIFICATION + TEN_SECONDS).isoformat()],
    ids=["datetime", "iso string"],
)
def test_get_expiry_date_given_an_expiry_date_returns_it(SessionStore, expiry):
    assert SessionStore().get_expiry_date(expiry=expiry) == MODIFICATION + TEN_SECONDS


def test_get_expiry_date_given_no_expiry_is_the_idle_timeout_after_the_modification(SessionStore):
    expected = MODIFICATION + timedelta(seconds=settings.SESSION_COOKIE_AGE)

    assert SessionStore().get_expiry_date(modification=MODIFICATION, expiry=None) == expected


def test_get_expiry_age_and_date_given_an_expiry_do_not_read_the_session(SessionStore, saved):
    store = SessionStore(saved.session_key)

    store.get_expiry_age(expiry=10)
    store.get_expiry_date(expiry=10)

    assert store.accessed is False


def test_a_custom_expiry_is_kept_with_the_session(SessionStore):
    store = SessionStore()
    store.set_expiry(10)
    store.save()

    assert SessionStore(store.session_key).get_expiry_age() == 10


def test_a_custom_expiry_is_the_time_to_live_in_redis(SessionStore, redis_client):
    store = SessionStore()
    store.set_expiry(10)

    store.save()

    assert 0 < redis_client.ttl(redis_key(store)) <= 10


def test_a_session_saved_with_an_expiry_in_the_past_expires_at_once(SessionStore):
    store = SessionStore()
    store["foo"] = "bar"
    store.set_expiry(-TEN_SECONDS)

    store.save()

    assert "foo" not in SessionStore(store.session_key)


def test_a_session_saved_with_a_one_second_expiry_is_gone_from_redis_soon_after(SessionStore, redis_client):
    store = SessionStore()
    store["foo"] = "bar"
    store.set_expiry(1)
    store.save()
    key = redis_key(store)

    deadline = time.monotonic() + 5
    while redis_client.exists(key) and time.monotonic() < deadline:
        time.sleep(0.1)

    assert not redis_client.exists(key)
    assert SessionStore(store.session_key).load() == {}
