"""
Attacks: a phone's login (a stolen one, say) outlives a password change
made anywhere but the shop's own views. The rule is the browser's: a login
made under another password is over, whichever path changed it. Its
access tokens are refused and its refresh token is invalid_grant.
"""

import pytest
from django.contrib.auth import get_user_model

from tests.waiting import within

from .requests import get, log_in, post

NEW_PASSWORD = "a-new-password-set-elsewhere-7"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """with committed(): what the block saves is committed, as outside a test's transaction (on_commit runs)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser(username="root", password="x-root-password-1")
    )
    return client


def is_over(client, tokens: dict) -> bool:
    """
    Whether the API login these tokens came from is over: its refresh token
    invalid_grant, and its access token refused within a second (an ended
    login reaches each worker's revoked set by pub/sub: the documented bound).
    """
    refreshed = post(client, "auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code in (200, 400), refreshed.content
    refused = within(1.0, lambda: get(client, "me", token=tokens["access_token"]).status_code == 401)
    return refreshed.json().get("error") == "invalid_grant" and refused is not None


def test_a_password_set_in_the_admin_ends_the_users_api_logins(
    client, admin_client, user, password, committed
):
    tokens = log_in(client, "alice", password)

    with committed():
        response = admin_client.post(
            f"/admin/auth/user/{user.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )

    assert response.status_code == 302
    assert is_over(client, tokens)


def test_a_password_set_with_set_password_and_save_ends_the_users_api_logins(
    client, user, password, committed
):
    tokens = log_in(client, "alice", password)
    shell_user = get_user_model().objects.get(username="alice")  # as in manage.py shell

    with committed():
        shell_user.set_password(NEW_PASSWORD)
        shell_user.save()

    assert is_over(client, tokens)


def test_a_password_changed_on_the_shops_page_ends_the_users_api_logins(
    client, logged_in_client, password, committed
):
    tokens = log_in(client, "alice", password)

    with committed():
        logged_in_client.post(
            "/accounts/password/change/",
            {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

    assert is_over(client, tokens)


def test_a_password_changed_without_a_signal_ends_the_login_at_its_next_refresh(client, user, password):
    tokens = log_in(client, "alice", password)
    user.set_password(NEW_PASSWORD)
    get_user_model().objects.filter(pk=user.pk).update(
        password=user.password
    )  # QuerySet.update(): no post_save

    refreshed = post(client, "auth/refresh", {"refresh_token": tokens["refresh_token"]})

    assert refreshed.json()["error"] == "invalid_grant"
    # The login ended with it: its access token refused as soon as the revocation reaches this worker.
    assert within(1.0, lambda: get(client, "me", token=tokens["access_token"]).status_code == 401) is not None


def test_a_login_made_with_the_new_password_lives_on(client, user, password, committed):
    log_in(client, "alice", password)
    with committed():
        user.set_password(NEW_PASSWORD)
        user.save()

    tokens = log_in(client, "alice", NEW_PASSWORD)

    assert get(client, "me", token=tokens["access_token"]).status_code == 200
    assert post(client, "auth/refresh", {"refresh_token": tokens["refresh_token"]}).status_code == 200


def test_saving_the_user_without_a_new_password_keeps_their_api_logins(client, user, password, committed):
    tokens = log_in(client, "alice", password)

    with committed():
        user.email = "alice@example.org"
        user.save()

    assert get(client, "me", token=tokens["access_token"]).status_code == 200
    assert post(client, "auth/refresh", {"refresh_token": tokens["refresh_token"]}).status_code == 200
