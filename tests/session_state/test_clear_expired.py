"""clear_expired(): Redis expires sessions by itself, so the cache backend's is a classmethod that does nothing."""

import inspect

import pytest


def test_clear_expired_is_a_classmethod(SessionStore):
    assert isinstance(inspect.getattr_static(SessionStore, "clear_expired"), classmethod)


def test_clear_expired_does_nothing_and_does_not_raise(SessionStore, saved):
    assert SessionStore.clear_expired() is None
    assert saved.exists(saved.session_key) is True


def test_aclear_expired_is_a_classmethod(SessionStore):
    assert isinstance(inspect.getattr_static(SessionStore, "aclear_expired"), classmethod)


@pytest.mark.asyncio
async def test_aclear_expired_does_nothing_and_does_not_raise(SessionStore, saved):
    assert await SessionStore.aclear_expired() is None
    assert await saved.aexists(saved.session_key) is True
