"""
Our own rules on top of Django's contract (session_state/store.py says why),
at the level of the store.

Already tested there, and so not here: Redis down is an error, not an
empty session (test_sessions.py::test_redis_down_is_an_error_not_an_empty_session);
a save of a session ended meanwhile is refused
(test_sessions.py::test_a_session_that_was_ended_meanwhile_is_not_written_back);
a listed session ended while its key is renewed stays ended
(test_user_sessions.py::test_a_session_ended_while_its_key_is_being_renewed_stays_ended).
"""

from django.conf import settings

from .helpers import FRESH_STORES, LISTED_TAG, backdate_login, redis_key
from .names import ANONYMOUS_MARK, PUBLIC_ID, index, keys


def test_create_gives_a_new_session_the_anonymous_mark(SessionStore):
    marks = set()
    for _n in range(FRESH_STORES):
        store = SessionStore()
        store.create()
        marks.add(store.session_key[0])

    assert marks == {ANONYMOUS_MARK}


def test_create_costs_one_round_trip(SessionStore, round_trips):
    SessionStore().create()  # once before, for the connection to be open
    store = SessionStore()

    with round_trips:
        store.create()

    assert round_trips.count == 1


def test_save_of_an_existing_session_costs_one_round_trip(saved, round_trips):
    saved["a"] = "changed"

    with round_trips:
        saved.save()

    assert round_trips.count == 1


def test_load_past_the_absolute_timeout_is_an_empty_session(SessionStore, listed_session, redis_client):
    backdate_login(redis_client, listed_session, settings.SESSION_ABSOLUTE_TIMEOUT + 1)

    assert SessionStore(listed_session.session_key).load() == {}


def test_load_past_the_absolute_timeout_deletes_the_session(SessionStore, listed_session, redis_client):
    backdate_login(redis_client, listed_session, settings.SESSION_ABSOLUTE_TIMEOUT + 1)

    SessionStore(listed_session.session_key).load()

    assert not redis_client.exists(redis_key(listed_session))


def test_load_just_before_the_absolute_timeout_keeps_the_session(SessionStore, listed_session, redis_client):
    backdate_login(redis_client, listed_session, settings.SESSION_ABSOLUTE_TIMEOUT - 60)

    assert SessionStore(listed_session.session_key).load()[PUBLIC_ID] == listed_session[PUBLIC_ID]


def test_load_of_a_logged_in_session_ended_elsewhere_marks_the_store_ended(SessionStore, listed_session):
    index.end(tag=LISTED_TAG, public_ids=[listed_session[PUBLIC_ID]])
    store = SessionStore(listed_session.session_key)

    store.load()

    assert store.ended is True


def test_load_of_an_anonymous_session_that_is_gone_does_not_mark_the_store_ended(SessionStore, saved):
    saved.delete()
    store = SessionStore(saved.session_key)

    store.load()

    assert store.ended is False


def test_cycle_key_keeps_the_mark_and_tag_of_the_sessions_owner(saved, listed_session):
    for store in (saved, listed_session):
        owner = store.session_key[: 1 + keys.TAG_LENGTH]

        store.cycle_key()

        assert store.session_key[: 1 + keys.TAG_LENGTH] == owner


def test_cycle_key_keeps_a_listed_session_in_its_users_list(SessionStore, listed_session):
    store = SessionStore(listed_session.session_key)

    store.cycle_key()

    listed = index.list_sessions(tag=LISTED_TAG)
    assert [session.public_id for session in listed] == [listed_session[PUBLIC_ID]]


def test_a_listed_session_ended_elsewhere_after_cycle_key_is_gone_under_its_new_key(
    SessionStore, listed_session
):
    store = SessionStore(listed_session.session_key)
    store.cycle_key()

    index.end(tag=LISTED_TAG, public_ids=[store[PUBLIC_ID]])

    assert store.exists(store.session_key) is False


def test_a_visitors_session_cycled_twice_at_once_gives_each_an_id_of_its_own(SessionStore, saved):
    # A login submitted twice: both go through, neither gets the other's id.
    other_worker = SessionStore(saved.session_key)
    other_worker.load_now()

    saved.cycle_key()
    other_worker.cycle_key()

    assert len({saved.session_key, other_worker.session_key}) == 2
    assert (
        SessionStore(saved.session_key).load()
        == SessionStore(other_worker.session_key).load()
        == {"a": "c", "b": "d"}
    )
