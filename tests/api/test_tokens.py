"""The token endpoints: logging in, refreshing, revoking, logging out."""

import pytest
from django.contrib.auth import get_user_model

from tests.shopping import expire_the_user_record
from tests.waiting import within

from .requests import get, log_in, post


def test_logging_in_gives_a_bearer_access_token_and_a_refresh_token(client, user, password):
    response = post(client, "auth/token", {"username": "alice", "password": password})

    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 900)
    assert response["Cache-Control"] == "no-store"
    assert get(client, "me", token=body["access_token"]).json()["username"] == "alice"


def test_a_wrong_password_is_invalid_grant(client, user):
    response = post(client, "auth/token", {"username": "alice", "password": "wrong"})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_deactivated_user_cannot_log_in(client, user, password):
    user.is_active = False
    user.save()

    assert post(client, "auth/token", {"username": "alice", "password": password}).status_code == 400


def test_failed_logins_on_the_web_count_against_the_api(client, user, password, settings):
    settings.LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS = 3
    for _attempt in range(3):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})

    response = post(client, "auth/token", {"username": "alice", "password": password})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"] == "invalid_grant"  # RFC 6749 section 5.2's body: a client library raises


def test_failed_logins_on_the_api_count_against_the_web(client, user, password, settings):
    settings.LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS = 3
    for _attempt in range(3):
        post(client, "auth/token", {"username": "alice", "password": "wrong"})

    response = client.post("/accounts/login/", {"username": "alice", "password": password})

    assert response.status_code == 429


def test_a_refresh_gives_a_new_pair_for_the_same_login(client, tokens):
    response = post(client, "auth/refresh", {"refresh_token": tokens["refresh_token"]})

    renewed = response.json()
    assert response.status_code == 200
    assert renewed["refresh_token"] != tokens["refresh_token"]
    assert get(client, "me", token=renewed["access_token"]).status_code == 200


def test_a_refresh_sent_twice_within_the_grace_gets_the_same_refresh_token(client, tokens):
    first = post(client, "auth/refresh", {"refresh_token": tokens["refresh_token"]}).json()
    again = post(client, "auth/refresh", {"refresh_token": tokens["refresh_token"]}).json()

    assert again["refresh_token"] == first["refresh_token"]


def test_a_replayed_refresh_token_ends_the_login_and_its_access_tokens(client, tokens, settings):
    settings.API_REFRESH_REUSE_GRACE = 0
    renewed = post(client, "auth/refresh", {"refresh_token": tokens["refresh_token"]}).json()

    replayed = post(client, "auth/refresh", {"refresh_token": tokens["refresh_token"]})

    assert replayed.status_code == 400
    assert replayed.json()["error"] == "invalid_grant"
    assert (
        within(1.0, lambda: get(client, "me", token=renewed["access_token"]).status_code == 401) is not None
    )
    assert post(client, "auth/refresh", {"refresh_token": renewed["refresh_token"]}).status_code == 400


def test_an_access_token_is_no_refresh_token(client, tokens):
    assert post(client, "auth/refresh", {"refresh_token": tokens["access_token"]}).status_code == 400


def test_a_refresh_token_is_no_access_token(client, tokens):
    response = get(client, "me", token=tokens["refresh_token"])

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_logging_out_refuses_the_access_token_and_the_refresh_token(client, tokens):
    response = post(client, "auth/logout", token=tokens["access_token"])

    assert response.status_code == 204
    assert within(1.0, lambda: get(client, "me", token=tokens["access_token"]).status_code == 401) is not None
    assert post(client, "auth/refresh", {"refresh_token": tokens["refresh_token"]}).status_code == 400


def test_logging_out_everywhere_ends_the_browser_sessions_too(client, logged_in_client, password):
    phone = log_in(client.__class__(), "alice", password)

    response = post(client, "auth/logout-all", token=phone["access_token"])

    assert response.json() == {"ended": 2}
    assert logged_in_client.get("/accounts/profile/").status_code == 302
    assert within(1.0, lambda: get(client, "me", token=phone["access_token"]).status_code == 401) is not None


@pytest.mark.parametrize("which", ["access_token", "refresh_token"])
def test_revoking_either_token_ends_the_login(client, tokens, which):
    response = post(client, "auth/revoke", {"token": tokens[which], "token_type_hint": which})

    assert (response.status_code, response.json()) == (200, {})
    assert within(1.0, lambda: get(client, "me", token=tokens["access_token"]).status_code == 401) is not None
    assert post(client, "auth/refresh", {"refresh_token": tokens["refresh_token"]}).status_code == 400


def test_revoking_what_is_no_token_answers_200_and_changes_nothing(client, tokens):
    response = post(client, "auth/revoke", {"token": "no-such-token"})

    assert response.status_code == 200
    assert get(client, "me", token=tokens["access_token"]).status_code == 200


def test_an_api_login_is_listed_with_the_browser_sessions(client, logged_in_client, password):
    log_in(client, "alice", password)

    page = logged_in_client.get("/accounts/sessions/").content.decode()

    assert "App: " in page


def test_ending_an_api_login_from_the_sessions_page_refuses_its_access_token(
    client, logged_in_client, user, password
):
    phone = log_in(client, "alice", password)
    from session_state.user_sessions import sessions_of

    [api_login] = [
        listed for listed in sessions_of(user=user, current=None) if listed.agent.startswith("App: ")
    ]

    logged_in_client.post(f"/accounts/sessions/{api_login.public_id}/end/")

    assert within(1.0, lambda: get(client, "me", token=phone["access_token"]).status_code == 401) is not None


def test_a_password_change_on_the_web_ends_the_api_logins(client, logged_in_client, password):
    phone = log_in(client, "alice", password)

    logged_in_client.post(
        "/accounts/password/change/",
        {
            "old_password": password,
            "new_password1": "a-new-horse-battery-9",
            "new_password2": "a-new-horse-battery-9",
        },
    )

    assert within(1.0, lambda: get(client, "me", token=phone["access_token"]).status_code == 401) is not None


def test_a_users_access_token_is_refused_once_deactivated_without_a_signal_and_the_record_expired(
    client, tokens, user
):
    # QuerySet.update() sends no signal: nothing ends the login, and the
    # user's record says active until it expires (USER_RECORD_TTL); then
    # the database says no.
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    expire_the_user_record(user)

    assert get(client, "me", token=tokens["access_token"]).status_code == 401


def test_a_users_access_token_is_refused_at_once_when_deactivated_by_a_save(
    client, tokens, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user.is_active = False
        user.save()

    assert get(client, "me", token=tokens["access_token"]).status_code == 401


def test_a_revocation_with_a_hint_the_server_does_not_know_still_revokes(client, tokens):
    response = post(
        client, "auth/revoke", {"token": tokens["refresh_token"], "token_type_hint": "something_else"}
    )

    assert response.status_code == 200
    assert within(1.0, lambda: get(client, "me", token=tokens["access_token"]).status_code == 401) is not None
