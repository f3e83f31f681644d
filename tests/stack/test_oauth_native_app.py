"""
A native app signs in as RFC 8252 asks: the system browser (here, a
shopper logged in on the web) opens the authorization endpoint, the app
gets a code at its loopback redirect URI, and authlib's OAuth2Session,
unmodified, exchanges it with PKCE (RFC 7636). Another service then
verifies the access token with nothing but the published keys, as PyJWT's
PyJWKClient does. And the client library's own state check, which the
server makes possible by returning the state exactly.
"""

import ssl
import time

import jwt
import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc6749.errors import MismatchingStateException

from tests.stack.phone import as_a_phone
from tests.stack.shopper import Shopper
from tests.waiting import within

pytestmark = pytest.mark.stack

REDIRECT_URI = (
    "http://127.0.0.1:53682/callback"  # the app listens on a port of its own (RFC 8252 section 7.3)
)


@pytest.fixture
def browser(api_stack):
    """The phone's system browser, logged in to the shop."""
    username, password = f"native{time.monotonic_ns()}", "sturdy-kettle-93"
    browser = Shopper(api_stack)
    browser.register(username, password)
    browser.username = username
    return browser


@pytest.fixture
def metadata(api_stack):
    response = requests.get(
        f"{api_stack.url}/.well-known/oauth-authorization-server", verify=str(api_stack.tls_cert), timeout=10
    )
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def app(api_stack, metadata):
    """The app's OAuth client, configured from the server's metadata alone (RFC 8414)."""
    return as_a_phone(
        OAuth2Session(
            client_id="shop-mobile",
            token_endpoint_auth_method="none",
            redirect_uri=REDIRECT_URI,
            code_challenge_method="S256",
            token_endpoint=metadata["token_endpoint"],
            leeway=0,
        ),
        api_stack,
    )


def sign_in(browser, app, metadata) -> tuple[str, str, str]:
    """
    The app opens the authorization URL in the browser: what reaches its
    redirect URI, and the verifier and state it keeps meanwhile (authlib
    checks the state it is given against the answer's).
    """
    verifier = generate_token(48)
    url, state = app.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier)
    answer = browser.http.get(url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"], verifier, state


def test_the_metadata_names_every_endpoint_and_only_s256(metadata, api_stack):
    assert metadata["issuer"] == api_stack.url
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["token_endpoint_auth_methods_supported"] == ["none"]
    assert {"authorization_endpoint", "token_endpoint", "revocation_endpoint", "jwks_uri"} <= set(metadata)


def test_an_app_signs_in_through_the_browser_with_a_code_and_pkce(browser, app, metadata, api_stack):
    location, verifier, state = sign_in(browser, app, metadata)

    token = app.fetch_token(authorization_response=location, code_verifier=verifier, state=state)

    assert location.startswith(REDIRECT_URI + "?")
    assert app.get(f"{api_stack.url}/api/v1/me").json()["username"] == browser.username
    assert token["refresh_token"]


def test_another_service_verifies_the_access_token_with_the_published_keys_alone(browser, app, metadata):
    location, verifier, state = sign_in(browser, app, metadata)
    token = app.fetch_token(authorization_response=location, code_verifier=verifier, state=state)
    keys = jwt.PyJWKClient(
        metadata["jwks_uri"], ssl_context=ssl.create_default_context(cafile=str(browser.stack.tls_cert))
    )

    claims = jwt.decode(
        token["access_token"],
        keys.get_signing_key_from_jwt(token["access_token"]).key,
        algorithms=["ES256"],
        audience=f"{metadata['issuer']}/api/v1",
        issuer=metadata["issuer"],
        options={"require": ["client_id", "auth_time", "sub", "jti", "exp"]},
    )

    assert jwt.get_unverified_header(token["access_token"])["typ"] == "at+jwt"
    assert claims["client_id"] == "shop-mobile"
    assert claims["auth_time"] <= claims["iat"]


@pytest.mark.timed
def test_a_code_replayed_by_an_interceptor_fails_and_ends_the_apps_login(browser, app, metadata, api_stack):
    location, verifier, state = sign_in(browser, app, metadata)
    app.fetch_token(authorization_response=location, code_verifier=verifier, state=state)
    interceptor = authlib_app_like(app, api_stack)

    with pytest.raises(OAuthError) as raised:
        interceptor.fetch_token(authorization_response=location, code_verifier=verifier, state=state)

    assert raised.value.error == "invalid_grant"
    # On every worker within a second: the revocation travels by pub/sub.
    assert within(1.0, lambda: app.get(f"{api_stack.url}/api/v1/me").status_code == 401) is not None


def test_the_app_refuses_an_answer_whose_state_is_not_its_own(browser, app, metadata):
    location, verifier, state = sign_in(browser, app, metadata)

    with pytest.raises(MismatchingStateException):
        app.fetch_token(
            authorization_response=location.replace(state, "attackers-state"),
            code_verifier=verifier,
            state=state,
        )


def test_the_app_refuses_an_answer_without_its_state(browser, app, metadata):
    location, verifier, state = sign_in(browser, app, metadata)

    with pytest.raises(MismatchingStateException):
        app.fetch_token(
            authorization_response=location.replace(f"state={state}", ""), code_verifier=verifier, state=state
        )


def authlib_app_like(app, api_stack) -> OAuth2Session:
    """A second copy of the app's client (an interceptor that read the redirect), from another address."""
    return as_a_phone(
        OAuth2Session(
            client_id="shop-mobile",
            token_endpoint_auth_method="none",
            redirect_uri=REDIRECT_URI,
            token_endpoint=app.metadata["token_endpoint"],
        ),
        api_stack,
    )
