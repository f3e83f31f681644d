"""
Access tokens (session_state.access_tokens): what one says, and every
token that is not one this shop issued and still accepts refused alike.
"""

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ImproperlyConfigured

from session_state import access_tokens
from session_state.access_tokens import InvalidAccessToken
from tests.api.requests import signing_key

KEY_ID = "test-1"


def forged(settings, *, key=None, algorithm="ES256", headers=None, **claims):
    """A token made as an attacker holding the signing key would (or `key`), from the claims a real one has (and changes)."""
    now = int(time.time())
    payload = {
        "iss": settings.API_TOKEN_ISSUER, "aud": settings.API_TOKEN_AUDIENCE, "sub": "7", "sid": "login-1",
        "jti": "j", "iat": now, "exp": now + 60, **claims,
    }  # fmt: skip
    payload = {name: value for name, value in payload.items() if value is not None}
    return jwt.encode(
        payload,
        key or signing_key(settings),
        algorithm=algorithm,
        headers={"kid": KEY_ID, "typ": "at+jwt", **(headers or {})},
    )


def test_a_token_issued_says_whose_login_it_belongs_to_and_nothing_more():
    token, lifetime = access_tokens.issue(
        subject="user0tag0007", login_id="login-1", client_id="shop-mobile", auth_time=1_700_000_000
    )

    verified = access_tokens.verify(token)
    claims = jwt.decode(token, options={"verify_signature": False})

    assert (verified.subject, verified.login_id, lifetime) == ("user0tag0007", "login-1", 900)
    assert (verified.client_id, verified.auth_time) == ("shop-mobile", 1_700_000_000)
    assert set(claims) == {"iss", "aud", "sub", "sid", "client_id", "auth_time", "jti", "iat", "exp"}
    assert jwt.get_unverified_header(token) == {"alg": "ES256", "kid": KEY_ID, "typ": "at+jwt"}


def test_a_token_with_alg_none_is_refused(settings):
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": KEY_ID, "typ": "at+jwt"}).encode())
    real, _lifetime = access_tokens.issue(
        subject="user0tag0007", login_id="login-1", client_id="shop-mobile", auth_time=1_700_000_000
    )
    unsigned = header.rstrip(b"=").decode() + "." + real.split(".")[1] + "."

    with pytest.raises(InvalidAccessToken):
        access_tokens.verify(unsigned)


def test_a_token_whose_header_names_another_algorithm_than_its_keys_is_refused(settings):
    real = forged(settings)
    header = {**jwt.get_unverified_header(real), "alg": "ES384"}
    relabelled = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()

    with pytest.raises(InvalidAccessToken):
        access_tokens.verify(relabelled + real[real.index(".") :])


def test_a_token_whose_payload_was_changed_is_refused():
    token, _lifetime = access_tokens.issue(
        subject="user0tag0007", login_id="login-1", client_id="shop-mobile", auth_time=1_700_000_000
    )
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "1"
    tampered = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()

    with pytest.raises(InvalidAccessToken):
        access_tokens.verify(f"{header}.{tampered}.{signature}")


def test_a_token_of_the_release_before_without_client_id_and_auth_time_is_the_shops_own_apps(settings):
    verified = access_tokens.verify(forged(settings))

    assert (verified.client_id, verified.auth_time) == ("shop-mobile", None)


@pytest.mark.parametrize("claims", [{"client_id": 7}, {"auth_time": "1700000000"}, {"auth_time": 1.5}])
def test_a_token_whose_client_id_or_auth_time_is_not_one_is_refused(settings, claims):
    with pytest.raises(InvalidAccessToken):
        access_tokens.verify(forged(settings, **claims))


def test_a_token_signed_with_a_key_of_its_own_is_refused(settings):
    with pytest.raises(InvalidAccessToken):
        access_tokens.verify(forged(settings, key=ec.generate_private_key(ec.SECP256R1())))


def test_a_token_naming_an_unknown_key_is_refused(settings):
    with pytest.raises(InvalidAccessToken):
        access_tokens.verify(forged(settings, headers={"kid": "no-such-key"}))


@pytest.mark.parametrize(
    "wrong",
    [{"headers": {"typ": "JWT"}}, {"aud": "someone-else"}, {"iss": "https://elsewhere.example"}, {"exp": 1}],
    ids=["typ", "aud", "iss", "expired"],
)
def test_a_token_of_the_wrong_type_audience_or_issuer_or_expired_is_refused(settings, wrong):
    with pytest.raises(InvalidAccessToken):
        access_tokens.verify(forged(settings, **wrong))


@pytest.mark.parametrize("claim", ["sub", "sid", "jti", "iat", "exp", "aud", "iss"])
def test_a_token_without_one_of_its_claims_is_refused(settings, claim):
    with pytest.raises(InvalidAccessToken):
        access_tokens.verify(forged(settings, **{claim: None}))


def test_a_token_with_a_claim_more_is_refused(settings):
    with pytest.raises(InvalidAccessToken):
        access_tokens.verify(forged(settings, role="admin"))


def test_a_new_key_signs_while_tokens_of_the_old_one_still_verify(settings):
    old_token, _lifetime = access_tokens.issue(
        subject="user0tag0007", login_id="login-1", client_id="shop-mobile", auth_time=1_700_000_000
    )
    settings.API_SIGNING_KEYS = [("test-2", access_tokens.new_private_key()), *settings.API_SIGNING_KEYS]

    new_token, _lifetime = access_tokens.issue(
        subject="user0tag0007", login_id="login-1", client_id="shop-mobile", auth_time=1_700_000_000
    )

    assert jwt.get_unverified_header(new_token)["kid"] == "test-2"
    assert (
        access_tokens.verify(old_token).subject == access_tokens.verify(new_token).subject == "user0tag0007"
    )
    assert [key["kid"] for key in access_tokens.jwks()["keys"]] == ["test-2", KEY_ID]  # both published


def test_an_hmac_key_of_the_release_before_verifies_its_tokens_but_is_never_published(settings):
    legacy = "a-release-before-hmac-signing-key-0123456789abcdef"
    token = forged(settings, key=legacy, algorithm="HS256", headers={"kid": "old-1"})
    settings.API_SIGNING_KEYS = [*settings.API_SIGNING_KEYS, ("old-1", legacy)]

    assert access_tokens.verify(token).login_id == "login-1"
    assert [key["kid"] for key in access_tokens.jwks()["keys"]] == [KEY_ID]


def test_an_hmac_key_listed_first_signs_nothing(settings):
    settings.API_SIGNING_KEYS = [("old-1", "a-release-before-hmac-signing-key-0123456789abcdef")]

    with pytest.raises(ImproperlyConfigured):
        access_tokens.issue(subject="user0tag0007", login_id="login-1", client_id="shop-mobile", auth_time=0)


def test_the_published_keys_are_public_halves_only(settings):
    [key] = access_tokens.jwks()["keys"]

    assert (key["kty"], key["crv"], key["alg"], key["use"], key["kid"]) == (
        "EC",
        "P-256",
        "ES256",
        "sig",
        KEY_ID,
    )
    assert "d" not in key  # the private part


def test_the_signing_key_is_never_the_secret_key(settings):
    settings.API_SIGNING_KEYS = [("k", settings.SECRET_KEY)]

    with pytest.raises(ImproperlyConfigured):
        access_tokens.issue(
            subject="user0tag0007", login_id="login-1", client_id="shop-mobile", auth_time=1_700_000_000
        )
