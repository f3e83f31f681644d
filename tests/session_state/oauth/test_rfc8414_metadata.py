"""
RFC 8414's metadata and the published keys: what a client library or
another service reads to find the endpoints and to verify a token.
"""

import jwt

from session_state.oauth.rfc8414 import WELL_KNOWN_PATH


def test_the_metadata_names_every_endpoint_the_issuer_and_only_s256(client, settings):
    metadata = client.get(WELL_KNOWN_PATH).json()

    assert metadata["issuer"] == settings.API_TOKEN_ISSUER
    assert metadata["authorization_endpoint"] == settings.SHOP_PUBLIC_URL + "/oauth/authorize"
    assert metadata["token_endpoint"] == settings.SHOP_PUBLIC_URL + "/api/v1/auth/token"
    assert metadata["revocation_endpoint"] == settings.SHOP_PUBLIC_URL + "/api/v1/auth/revoke"
    assert metadata["jwks_uri"] == settings.SHOP_PUBLIC_URL + "/.well-known/jwks.json"
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["token_endpoint_auth_methods_supported"] == ["none"]


def test_the_metadata_lists_the_password_grant_only_while_it_is_on(client, settings):
    on = client.get(WELL_KNOWN_PATH).json()["grant_types_supported"]
    settings.OAUTH_PASSWORD_GRANT = False
    off = client.get(WELL_KNOWN_PATH).json()["grant_types_supported"]

    assert on == ["authorization_code", "refresh_token", "password"]
    assert off == ["authorization_code", "refresh_token"]


def test_the_metadata_names_the_shops_address_whatever_host_the_request_named(client):
    metadata = client.get(WELL_KNOWN_PATH, headers={"Host": "127.0.0.1"}).json()

    assert "127.0.0.1" not in str(metadata)


def test_an_access_token_verifies_with_the_published_keys_alone(client, user, password):
    token = client.post(
        "/api/v1/auth/token", {"username": "alice", "password": password}, content_type="application/json"
    ).json()["access_token"]
    published = jwt.PyJWKSet.from_dict(client.get("/.well-known/jwks.json").json())

    key = published[jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(token, key.key, algorithms=["ES256"], options={"verify_aud": False})

    assert claims["client_id"] == "shop-mobile"


def test_the_published_keys_are_cached_briefly_and_hold_no_private_part(client):
    response = client.get("/.well-known/jwks.json")

    assert "max-age=300" in response["Cache-Control"]
    assert all("d" not in key for key in response.json()["keys"])
