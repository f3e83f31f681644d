"""
Step-up (RFC 9470): where the web asks for the password again, the API
asks for a recent one. The attack: a refresh token stolen long after its
login, rotated to a fresh access token, which keeps the login's old
auth_time, tries to end every session, read the saved address, or check
out to it.
"""

import json

import pytest

from accounts.models import SavedAddress
from session_state import keys
from tests.session_state.names import PASSWORD_AT

from .requests import get, log_in, post

HOME = {"full_name": "Alice", "address": "1 Lane", "city": "Leeds", "postal_code": "LS1", "country": "UK"}


@pytest.fixture
def saved(user):
    return SavedAddress.objects.create(user=user, **HOME)


@pytest.fixture
def stolen(client, user, password, redis_client):
    """A fresh access token from a login whose password was typed an hour ago (a stolen refresh token, rotated)."""
    tokens = log_in(client, "alice", password)
    login_id = tokens["refresh_token"].split(".")[0]
    stored = json.loads(redis_client.get(keys.session(login_id)))
    stored[PASSWORD_AT] -= 3600
    redis_client.set(keys.session(login_id), json.dumps(stored), keepttl=True)
    return post(client, "auth/refresh", {"refresh_token": tokens["refresh_token"]}).json()["access_token"]


def challenged(response) -> bool:
    return (
        response.status_code == 401
        and response.json()["code"] == "insufficient_user_authentication"
        and response["WWW-Authenticate"].startswith('Bearer error="insufficient_user_authentication"')
        and 'max_age="600"' in response["WWW-Authenticate"]
    )


def test_an_old_password_cannot_end_every_session(client, stolen, logged_in_client):
    response = post(client, "auth/logout-all", token=stolen)

    assert challenged(response)
    assert logged_in_client.get("/accounts/sessions/current/").json()["user"] == "alice"


def test_an_old_password_cannot_read_the_saved_address(client, stolen, saved):
    response = get(client, "account/address", token=stolen)

    assert challenged(response)
    assert "Leeds" not in response.content.decode()


def test_an_old_password_cannot_change_the_saved_address(client, stolen, saved):
    response = client.put(
        "/api/v1/account/address",
        {**HOME, "city": "Elsewhere"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {stolen}"},
    )

    assert challenged(response)
    assert SavedAddress.objects.get(user=saved.user).city == "Leeds"


def test_an_old_password_cannot_check_out_to_the_saved_address(client, stolen, saved, mug):
    post(client, "cart/items", {"product": mug.pk, "quantity": 1}, token=stolen)

    response = post(client, "checkout", {}, token=stolen, **{"Idempotency-Key": "checkout-stolen-1"})

    assert challenged(response)
    assert not saved.user.orders.exists()


def test_an_old_password_may_still_check_out_to_an_address_it_sends(client, stolen, saved, mug):
    post(client, "cart/items", {"product": mug.pk, "quantity": 1}, token=stolen)

    response = post(
        client, "checkout", {"shipping": HOME}, token=stolen, **{"Idempotency-Key": "checkout-sent-1"}
    )

    assert response.status_code == 201


def test_a_fresh_password_lifts_it(client, user, password, saved):
    fresh = log_in(client, "alice", password)["access_token"]

    assert get(client, "account/address", token=fresh).json()["city"] == "Leeds"
    assert post(client, "auth/logout-all", token=fresh).status_code == 200


def test_a_recent_password_saves_an_address(client, user, password):
    fresh = log_in(client, "alice", password)["access_token"]

    response = client.put(
        "/api/v1/account/address",
        HOME,
        content_type="application/json",
        headers={"Authorization": f"Bearer {fresh}"},
    )

    assert (response.status_code, SavedAddress.objects.get(user=user).city) == (200, "Leeds")
