"""
A logged-in request's user comes from the record read with its session
(session_state.user_records): no database query, and every change to the
user on the very next request; the database still decides whenever the
record is missing, unreadable or disagrees.
"""

import json
from importlib import import_module

import pytest
from asgiref.sync import async_to_sync

from session_state import sessions, user_records
from session_state.middleware import AuthenticationMiddleware

from .names import keys

CURRENT = "/accounts/sessions/current/"


@pytest.fixture
def tag(user):
    return sessions.tag_of_user(user)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """with committed(): what the block saves is committed, and what waits for the commit runs."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def warm_client(logged_in_client):
    """A logged-in client whose user's record is written (at login)."""
    assert logged_in_client.get(CURRENT).json()["user"] == "alice"
    return logged_in_client


def test_a_logged_in_json_session_read_makes_no_database_query(warm_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = warm_client.get(CURRENT)

    assert response.json()["user"] == "alice"


def test_a_logged_in_add_to_cart_reads_the_user_without_a_query(
    warm_client, mug, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):  # the product only
        response = warm_client.post(f"/cart/add/{mug.pk}/", {"quantity": 1})

    assert response.status_code == 302
    assert warm_client.get(CURRENT).json()["cart_units"] == 1


def test_a_password_change_saved_elsewhere_logs_the_session_out_on_its_next_request(
    warm_client, user, committed
):
    user.set_password("a-whole-new-password-7")
    with committed():
        user.save()

    assert warm_client.get(CURRENT).json()["user"] is None


def test_deactivation_logs_the_session_out_on_its_next_request(warm_client, user, committed):
    user.is_active = False
    with committed():
        user.save()

    assert warm_client.get(CURRENT).json()["user"] is None


def test_a_new_username_shows_on_the_next_request(warm_client, user, committed):
    user.username = "alice2"
    with committed():
        user.save()

    assert warm_client.get(CURRENT).json()["user"] == "alice2"


def test_losing_staff_status_takes_effect_on_the_next_request(logged_in_client, user, committed):
    user.is_staff = True
    with committed():
        user.save()
    assert logged_in_client.get("/admin/").status_code == 200

    user.is_staff = False
    with committed():
        user.save()

    assert logged_in_client.get("/admin/").status_code == 302


def test_a_missing_record_falls_back_to_one_query_and_is_written_again(
    warm_client, tag, redis_client, django_assert_num_queries
):
    redis_client.delete(keys.user_record(tag))

    with django_assert_num_queries(1):
        assert warm_client.get(CURRENT).json()["user"] == "alice"
    assert redis_client.exists(keys.user_record(tag))


@pytest.mark.parametrize("stored", ["not json", "[]", '{"id": 1}'])
def test_an_unreadable_record_falls_back_to_the_database(warm_client, tag, redis_client, stored):
    redis_client.set(keys.user_record(tag), stored)

    assert warm_client.get(CURRENT).json()["user"] == "alice"


def test_a_record_that_disagrees_with_the_session_is_not_believed(warm_client, tag, redis_client, user):
    # A record naming another password hash (as a stale one would): Django
    # decides, and the session's own hash still matches the database.
    record = json.loads(redis_client.get(keys.user_record(tag)))
    record["hash"] = "0" * 64
    redis_client.set(keys.user_record(tag), json.dumps(record))

    assert warm_client.get(CURRENT).json()["user"] == "alice"


def test_a_planted_record_cannot_make_a_session_someone_else(
    warm_client, tag, redis_client, django_user_model
):
    mallory = django_user_model.objects.create_user(
        username="mallory", password="x-long-password-1", is_staff=True
    )
    record = json.loads(redis_client.get(keys.user_record(tag)))
    record.update(id=mallory.pk, username="mallory", is_staff=True)
    redis_client.set(keys.user_record(tag), json.dumps(record))

    assert warm_client.get(CURRENT).json()["user"] == "alice"


def test_a_deleted_users_session_finds_no_user(warm_client, user, tag, redis_client, committed):
    with committed():
        user.delete()

    assert warm_client.get(CURRENT).json()["user"] is None
    assert not redis_client.exists(keys.user_record(tag))


def test_the_user_from_a_record_reads_what_it_lacks_from_the_database(warm_client):
    response = warm_client.get("/accounts/profile/")

    assert "alice@example.com" in response.content.decode()


def test_the_record_holds_no_password_hash(warm_client, tag, redis_client, user):
    stored = redis_client.get(keys.user_record(tag))

    assert user.password not in stored
    assert set(json.loads(stored)) == {
        "id",
        "username",
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
        "hash",
        "sig",
    }


def test_a_record_lives_at_most_user_record_ttl_the_bound_on_a_change_made_without_save(
    warm_client, tag, redis_client, settings
):
    assert 0 < redis_client.ttl(keys.user_record(tag)) <= settings.USER_RECORD_TTL


def test_the_async_user_is_the_same_user_without_a_query(
    warm_client, rf, settings, django_assert_num_queries
):
    request = rf.get("/")
    cookie = warm_client.cookies[settings.SESSION_COOKIE_NAME].value
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(cookie)
    AuthenticationMiddleware(lambda request: None).process_request(request)

    with django_assert_num_queries(0):
        user = async_to_sync(request.auser)()

    assert (user.username, user.is_authenticated) == ("alice", True)


def test_a_record_written_into_redis_by_someone_else_cannot_make_a_user_staff(
    logged_in_client, tag, redis_client, user
):
    logged_in_client.get(CURRENT)
    record = json.loads(redis_client.get(keys.user_record(tag)))
    record.update(is_staff=True, is_superuser=True)  # the right id and hash, the signature left as it was
    redis_client.set(keys.user_record(tag), json.dumps(record))

    assert logged_in_client.get("/admin/").status_code == 302


def test_saving_the_user_of_a_request_never_writes_a_stale_flag_back(logged_in_client, user, committed):
    with committed():
        user.is_staff = True
        user.save()
    assert logged_in_client.get("/admin/").status_code == 200
    # Demoted without a signal: the record still says staff, for its TTL.
    type(user).objects.filter(pk=user.pk).update(is_staff=False)

    # A save of the request's own user (a password change saves it so).
    logged_in_client.post(
        "/accounts/password/change/",
        {
            "old_password": "correct-horse-battery",
            "new_password1": "a-new-horse-battery-9",
            "new_password2": "a-new-horse-battery-9",
        },
    )

    user.refresh_from_db()
    assert user.is_staff is False
    assert user.check_password("a-new-horse-battery-9")


def test_the_record_is_rewritten_from_the_database_not_from_a_stale_object(
    warm_client, user, tag, redis_client, committed
):
    stale = type(user).objects.get(pk=user.pk)  # read before the change below
    with committed():
        user.username = "alice2"
        user.save()

    with committed():
        stale.save(update_fields=["last_login"])  # as update_last_login() does

    assert json.loads(redis_client.get(keys.user_record(tag)))["username"] == "alice2"


def test_a_session_whose_backend_is_no_longer_allowed_is_refused_as_django_refuses_it(warm_client, settings):
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend"
    ]  # not the one it logged in with

    assert warm_client.get(CURRENT).json()["user"] is None


def test_a_believed_record_is_kept_read_only_for_the_next_request_of_its_user(warm_client, tag, redis_client):
    # A worker checks a record's signature once for the same bytes
    # (user_records.decode) and hands every request the same record.
    believed = user_records.decode(redis_client.get(keys.user_record(tag)).encode(), tag=tag)

    with pytest.raises(TypeError):
        believed["is_staff"] = True
    assert warm_client.get("/admin/").status_code == 302
