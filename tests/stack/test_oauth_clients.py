"""
Standard OAuth client libraries, unmodified, against the live API: what a
mobile developer would reach for. None of them was written here.
"""

import time

import pytest
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from oauthlib.oauth2 import LegacyApplicationClient
from requests_oauthlib import OAuth2Session as RequestsOAuthlibSession

from tests.stack.phone import as_a_phone
from tests.stack.shopper import Shopper

pytestmark = pytest.mark.stack

CLIENT_ID = "shop-mobile"


@pytest.fixture
def phone_account(api_stack):
    username, password = f"oauth{time.monotonic_ns()}", "sturdy-kettle-93"
    Shopper(api_stack).register(username, password)
    return username, password


@pytest.fixture
def urls(api_stack):
    base = f"{api_stack.url}/api/v1"
    return {"token": f"{base}/auth/token", "revoke": f"{base}/auth/revoke", "me": f"{base}/me"}


def authlib_session(api_stack, **kwargs) -> OAuth2Session:
    # The API stack's access tokens live 10 s, less than authlib's default
    # leeway (it renews a token that expires within 60 s): none.
    return as_a_phone(
        OAuth2Session(client_id=CLIENT_ID, token_endpoint_auth_method="none", leeway=0, **kwargs), api_stack
    )


def test_authlib_logs_in_with_the_password_grant_and_calls_the_api(api_stack, phone_account, urls):
    session = authlib_session(api_stack)

    token = session.fetch_token(urls["token"], username=phone_account[0], password=phone_account[1])

    assert token["token_type"] == "Bearer"
    assert session.get(urls["me"]).json()["username"] == phone_account[0]


def test_authlib_raises_on_a_wrong_password_rather_than_taking_the_error_for_a_token(
    api_stack, phone_account, urls
):
    with pytest.raises(OAuthError) as raised:
        authlib_session(api_stack).fetch_token(urls["token"], username=phone_account[0], password="wrong")

    assert raised.value.error == "invalid_grant"


def test_authlib_refreshes_by_itself_once_the_access_token_has_expired(api_stack, phone_account, urls):
    renewed = []
    session = authlib_session(
        api_stack,
        token_endpoint=urls["token"],
        update_token=lambda token, **_: renewed.append(token),
    )
    first = session.fetch_token(urls["token"], username=phone_account[0], password=phone_account[1])

    time.sleep(first["expires_in"] + 0.5)  # 10 s on the API's stack
    response = session.get(urls["me"])

    assert response.status_code == 200
    assert len(renewed) == 1
    assert renewed[0]["refresh_token"] != first["refresh_token"]


def test_authlib_revokes_and_the_login_is_over(api_stack, phone_account, urls):
    session = authlib_session(api_stack)
    token = session.fetch_token(urls["token"], username=phone_account[0], password=phone_account[1])

    revoked = session.revoke_token(
        urls["revoke"], token=token["refresh_token"], token_type_hint="refresh_token"
    )

    assert revoked.status_code == 200
    with pytest.raises(OAuthError) as raised:
        session.refresh_token(urls["token"], refresh_token=token["refresh_token"])
    assert raised.value.error == "invalid_grant"


def test_requests_oauthlib_logs_in_and_refreshes(api_stack, phone_account, urls):
    session = as_a_phone(
        RequestsOAuthlibSession(client=LegacyApplicationClient(client_id=CLIENT_ID)), api_stack
    )

    # As it comes: the client named by HTTP Basic with an empty secret (RFC 6749 section 2.3.1).
    token = session.fetch_token(urls["token"], username=phone_account[0], password=phone_account[1])
    renewed = session.refresh_token(urls["token"], client_id=CLIENT_ID)

    assert session.get(urls["me"]).json()["username"] == phone_account[0]
    assert renewed["refresh_token"] != token["refresh_token"]
