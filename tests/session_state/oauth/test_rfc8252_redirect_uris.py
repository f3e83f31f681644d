"""
RFC 8252's redirect URIs for native apps: what an app may register, and
a presented one matched exactly, but for a loopback one's port (§7.3).
"""

import pytest
from django.core.exceptions import ValidationError

from session_state.models import OAuthClient
from session_state.oauth import rfc8252


@pytest.mark.parametrize(
    "uri",
    [
        "com.example.shop:/oauth2redirect",
        "http://127.0.0.1/callback",
        "http://[::1]/callback",
        "https://app.example/cb",
    ],
)
def test_an_app_may_register_a_private_scheme_a_loopback_or_an_https_redirect(uri):
    assert rfc8252.is_registrable(uri)


@pytest.mark.parametrize(
    "uri",
    [
        "http://localhost/callback",  # §8.3: may resolve to something else
        "http://app.example/callback",  # plain HTTP off the loopback
        "http://127.0.0.1:8080/callback",  # a loopback port is the app's, not registered
        "shop:/oauth2redirect",  # §7.1: reverse-domain form
        "https://app.example/cb#fragment",  # RFC 6749 §3.1.2
        "javascript:alert(1)",
        "",
    ],
)
def test_an_app_may_not_register_anything_else(uri):
    assert not rfc8252.is_registrable(uri)


def test_a_loopback_redirect_matches_on_any_port():
    assert rfc8252.matches("http://127.0.0.1/callback", "http://127.0.0.1:51234/callback")
    assert rfc8252.matches("http://[::1]/callback", "http://[::1]:51234/callback")


@pytest.mark.parametrize(
    "presented",
    [
        "http://127.0.0.1:51234/other",
        "http://127.0.0.1:51234/callback?next=https://evil.example",
        "http://127.0.0.1.evil.example:51234/callback",
        "http://evil@127.0.0.1:51234/callback",
        "https://127.0.0.1:51234/callback",
        "http://127.0.0.1:51234/callback#x",
        "http://127.0.0.1:notaport/callback",
    ],
)
def test_a_loopback_redirect_matches_nothing_but_its_port_changed(presented):
    assert not rfc8252.matches("http://127.0.0.1/callback", presented)


def test_any_other_redirect_matches_only_exactly():
    assert rfc8252.matches("com.example.shop:/oauth2redirect", "com.example.shop:/oauth2redirect")
    assert not rfc8252.matches("com.example.shop:/oauth2redirect", "com.example.shop:/oauth2redirect/")
    assert not rfc8252.matches("com.example.shop:/oauth2redirect", "com.example.shop://oauth2redirect")


def test_the_registry_refuses_a_third_party_client_with_the_password_grant(db):
    client = OAuthClient(client_id="recipe-box", name="Recipe Box", grant_types=["password"])

    with pytest.raises(ValidationError, match="first-party"):
        client.full_clean()


def test_the_registry_refuses_a_redirect_uri_a_native_app_may_not_register(db):
    client = OAuthClient(
        client_id="recipe-box",
        name="Recipe Box",
        grant_types=["authorization_code"],
        redirect_uris="http://evil.example/",
    )

    with pytest.raises(ValidationError, match="redirect URI"):
        client.full_clean()


def test_the_shops_own_app_is_registered_by_a_migration(db):
    app = OAuthClient.objects.get(client_id="shop-mobile")

    assert app.first_party
    assert app.check_redirect_uri("com.example.shop:/oauth2redirect")
    assert app.check_redirect_uri("http://127.0.0.1:49152/callback")
    assert set(app.grant_types) == {"authorization_code", "refresh_token", "password"}
