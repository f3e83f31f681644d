"""
The user of a Bearer request comes from their record in Redis
(session_state.user_records), named by the access token's `sub`, the
user's tag: no database query, and every change to the user on the next
request all the same.
"""

import json
import time

import jwt
import pytest

from session_state import access_tokens, api_logins, keys, sessions

from .requests import get


def test_the_access_token_names_the_user_by_tag_not_by_database_id(tokens, user):
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})

    assert claims["sub"] == sessions.tag_of_user(user)
    assert claims["sub"] != str(user.pk)


@pytest.mark.parametrize(("field", "value"), [("username", "alice.b"), ("email", "alice@elsewhere.example")])
def test_a_change_to_the_user_shows_on_the_next_api_read(
    client, tokens, user, django_capture_on_commit_callbacks, field, value
):
    with django_capture_on_commit_callbacks(execute=True):
        setattr(user, field, value)
        user.save()

    answer = get(client, "me", token=tokens["access_token"]).json()

    assert answer[field] == value


def test_a_forged_record_of_a_user_deactivated_without_a_signal_is_not_believed(
    client, tokens, user, redis_client
):
    type(user).objects.filter(pk=user.pk).update(is_active=False)  # no signal: the record stays
    record_key = keys.user_record(sessions.tag_of_user(user))
    record = json.loads(redis_client.get(record_key))
    record["username"] = "mallory"  # and the signature no longer matches
    redis_client.set(record_key, json.dumps(record))

    response = get(client, "me", token=tokens["access_token"])

    assert response.status_code == 401


def test_a_token_issued_before_tokens_named_the_user_by_tag_still_reads(client, tokens, user):
    login_id = access_tokens.verify(tokens["access_token"]).login_id
    older, _lifetime = access_tokens.issue(
        subject=str(user.pk), login_id=login_id, client_id="shop-mobile", auth_time=int(time.time())
    )

    answer = get(client, "me", token=older).json()

    assert answer["username"] == user.username


def test_an_api_login_writes_the_users_record(tokens, user, redis_client):
    assert redis_client.exists(keys.user_record(sessions.tag_of_user(user)))


def test_another_users_record_copied_under_ones_own_tag_is_not_believed(
    client, tokens, user, redis_client, django_user_model
):
    staff = django_user_model.objects.create_user(username="sam", password="x-long-password-1", is_staff=True)
    staff_record = keys.user_record(sessions.tag_of_user(staff))
    # Writes sam's signed record:
    api_logins.start_token_login(user=staff, address="127.0.0.1", user_agent="test")
    redis_client.set(keys.user_record(sessions.tag_of_user(user)), redis_client.get(staff_record))

    answer = get(client, "me", token=tokens["access_token"]).json()

    assert answer["username"] == "alice"
