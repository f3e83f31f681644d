"""
Attacks on the API, each refused: forged and tampered access tokens, a
browser's cookie without a token, another user's order.
"""

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from cart import selectors as cart_selectors

from .requests import get, hmac_signed, log_in, post, resigned, signing_key, unsigned, with_claims


def refused(client, token: str) -> bool:
    response = get(client, "me", token=token)
    return response.status_code == 401 and response["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_the_real_token_is_accepted(client, tokens):
    assert not refused(client, tokens["access_token"])


def test_alg_none_is_refused(client, tokens):
    assert refused(client, unsigned(tokens["access_token"]))


def test_hs256_with_the_published_public_key_as_its_secret_is_refused(client, tokens, settings):
    # RFC 8725 section 2.1: a verifier that took the algorithm from the token
    # would check this HMAC with the public key, which anyone has (jwks_uri).
    public_pem = (
        signing_key(settings)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    public_jwk = json.dumps(client.get("/.well-known/jwks.json").json()["keys"][0]).encode()

    assert refused(client, hmac_signed(tokens["access_token"], public_pem))
    assert refused(client, hmac_signed(tokens["access_token"], public_jwk))


def test_a_token_signed_with_the_secret_key_is_refused(client, tokens, settings):
    assert refused(client, hmac_signed(tokens["access_token"], settings.SECRET_KEY.encode()))


def test_a_token_signed_with_a_key_of_the_attackers_own_is_refused(client, tokens):
    assert refused(client, resigned(tokens["access_token"], ec.generate_private_key(ec.SECP256R1())))


def test_a_tampered_payload_naming_another_real_user_is_refused(client, tokens, django_user_model, password):
    mallory = django_user_model.objects.create_user(username="mallory", password=password)

    assert refused(client, with_claims(tokens["access_token"], sub=str(mallory.pk)))


def test_an_unknown_key_id_is_refused(client, tokens, settings):
    assert refused(client, resigned(tokens["access_token"], signing_key(settings), kid="no-such-key"))


@pytest.mark.parametrize(
    "claims", [{"aud": "https://elsewhere.example/api"}, {"iss": "https://elsewhere.example"}, {"exp": 1}]
)
def test_a_wrong_audience_or_issuer_or_an_expired_token_is_refused(client, tokens, settings, claims):
    token = resigned(with_claims(tokens["access_token"], **claims), signing_key(settings))

    assert refused(client, token)


def test_a_wrong_typ_is_refused(client, tokens, settings):
    assert refused(client, resigned(tokens["access_token"], signing_key(settings), typ="JWT"))


@pytest.mark.parametrize("typ", ["application/at+jwt", "AT+JWT"])
def test_the_full_media_type_of_an_access_token_is_accepted_too(client, tokens, settings, typ):
    # RFC 9068 section 4: "at+jwt" or "application/at+jwt" (RFC 7515 section 4.1.9: case-insensitive).
    assert not refused(client, resigned(tokens["access_token"], signing_key(settings), typ=typ))


def test_an_expired_token_is_refused(client, user, password, settings):
    settings.API_ACCESS_TOKEN_LIFETIME = 0
    tokens = log_in(client, "alice", password)

    assert refused(client, tokens["access_token"])


def test_a_request_with_only_the_browsers_session_cookie_is_refused(logged_in_client):
    response = logged_in_client.get("/api/v1/me")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_cart_change_with_only_the_browsers_session_cookie_is_refused(logged_in_client, user, mug):
    response = logged_in_client.post(
        "/api/v1/cart/items", {"product": mug.pk, "quantity": 1}, content_type="application/json"
    )

    assert response.status_code == 401
    assert cart_selectors.contents(cart=cart_selectors.cart_of_user(user=user)) == {}


def test_no_api_response_sets_a_cookie_even_to_a_browser_with_a_session(logged_in_client, tokens, mug):
    responses = [
        logged_in_client.get("/api/v1/products"),
        logged_in_client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}),
        post(
            logged_in_client, "cart/items", {"product": mug.pk, "quantity": 1}, token=tokens["access_token"]
        ),
        logged_in_client.get("/api/v1/nowhere"),
    ]

    assert [response.cookies for response in responses] == [{}, {}, {}, {}]


def test_another_users_order_is_not_found(client, tokens, mug, django_user_model, password):
    django_user_model.objects.create_user(username="mallory", password=password)
    post(client, "cart/items", {"product": mug.pk, "quantity": 1}, token=tokens["access_token"])
    order = post(
        client,
        "checkout",
        {"shipping": SHIPPING},
        token=tokens["access_token"],
        **{"Idempotency-Key": "order-0001"},
    ).json()
    mallory = log_in(client, "mallory", password)

    response = get(client, f"orders/{order['id']}", token=mallory["access_token"])

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


SHIPPING = {"full_name": "Alice", "address": "1 Lane", "city": "Leeds", "postal_code": "LS1", "country": "UK"}
