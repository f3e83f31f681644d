"""
Access tokens for the API (issue 11, first step): short-lived JWTs that
name the login they belong to, and PyJWT behind this one module.

RFC 9068's shape (header `typ: at+jwt`), RFC 8725's rules: the algorithm
is the one the key named by `kid` is for, never the one the token says;
every claim is required; `typ`, `aud` and `iss` are checked (PyJWT does
not check `typ` by itself). Nothing is in a token that the server does not
check again: `sub` (the user's tag: opaque, never the database id, and
what finds the user's record in Redis without a query; the user id, as
the release before tags had it, in a release that bridges a rolling
deploy, SESSION_STORED_NAMES = "long"), `sid` (the login's
public id), `client_id` (the app it was issued to, RFC 9068 §2.2),
`auth_time` (when the user last typed their password, RFC 9068 §2.2.1:
the API asks for a fresher one where the web would), `jti`, `iat`, `exp`,
`iss`, `aud`. A token of the release before, without `client_id` and
`auth_time`, is still taken (it lives 15 minutes): the shop's own app's,
its password typed at no known time.

Signed with ES256 (RFC 9068 §2.1, RFC 7518 §3.4), keys of their own
(API_SIGNING_KEYS), never SECRET_KEY, so that any service can verify a
token with the published public keys alone (jwks(), served at the
metadata's jwks_uri) and none can sign one. Each key has an id (`kid`);
the first signs, and every one listed verifies and is published, so a new
key is added ahead of the old one's removal and rotating keys logs nobody
out. A key given as an HMAC secret (the HS256 keys of the release before)
only verifies, and is never published: listed after the new key for one
access token lifetime, it lets the tokens signed before the change live
out their 15 minutes.

A key is `<kid>:<base64url of its PKCS#8 DER private key>` (an EC P-256
key), or `<kid>:<secret>` for such an HMAC one; `make run` makes one into
its state folder (deploy/stack.py), production refuses to start without.
Checking a token is computation alone: no Redis round trip.
"""

import base64
import binascii
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from jwt.algorithms import ECAlgorithm

# RFC 9068 §4: "at+jwt", or its full media type "application/at+jwt" (RFC
# 7515 §4.1.9 lets the prefix go); compared without regard to case.
TOKEN_TYPE = "at+jwt"
TOKEN_TYPES = ("at+jwt", "application/at+jwt")
ALGORITHM = "ES256"
LEGACY_ALGORITHM = "HS256"  # verify-only: a key of the release before
CLAIMS = ("iss", "aud", "sub", "sid", "client_id", "auth_time", "jti", "iat", "exp")
REQUIRED_CLAIMS = ("iss", "aud", "sub", "sid", "jti", "iat", "exp")


class InvalidAccessToken(Exception):
    """Not an access token this shop issued and still accepts, for whatever reason (all answer 401 alike)."""


@dataclass(frozen=True)
class AccessToken:
    """What a verified access token says."""

    subject: str  # `sub`: the user's tag (session_state.keys); a user id in a token issued before tags
    login_id: str  # the login's public id (`sid`), as one's sessions list it
    token_id: str  # `jti`
    issued_at: int
    expires_at: int
    client_id: str  # the app it was issued to
    auth_time: int | None  # when the user last typed their password; None in a token of the release before


def issue(
    *, subject: str, login_id: str, client_id: str, auth_time: int, not_after: int | None = None
) -> tuple[str, int]:
    """A new access token for the user's login, and how many seconds it lives (never past not_after)."""
    signing = _signing_keys()[0]
    if signing.algorithm != ALGORITHM:
        raise ImproperlyConfigured(
            f"The first of API_SIGNING_KEYS signs, and {signing.kid!r} is an HMAC secret: list an EC key first."
        )
    now = int(time.time())
    lifetime = settings.API_ACCESS_TOKEN_LIFETIME
    if not_after is not None:
        lifetime = max(0, min(lifetime, not_after - now))
    claims = {
        "iss": settings.API_TOKEN_ISSUER,
        "aud": settings.API_TOKEN_AUDIENCE,
        "sub": subject,
        "sid": login_id,
        "client_id": client_id,
        "auth_time": auth_time,
        "jti": secrets.token_urlsafe(16),
        "iat": now,
        "exp": now + lifetime,
    }
    token = jwt.encode(
        claims, signing.private_key, algorithm=ALGORITHM, headers={"kid": signing.kid, "typ": TOKEN_TYPE}
    )
    return token, lifetime


def verify(token: str) -> AccessToken:
    """What the token says, once its signature, type, audience, issuer and times are checked; or InvalidAccessToken."""
    try:
        header = jwt.get_unverified_header(token)
        key = _keys_by_id().get(header.get("kid"))
        typ = header.get("typ")
        if key is None or not isinstance(typ, str) or typ.lower() not in TOKEN_TYPES:
            raise InvalidAccessToken("unknown key, or not an access token")
        if header.get("alg") != key.algorithm:
            # RFC 8725 §3.1: the algorithm is the key's, never the token's
            # (an ES256 key's public half taken as an HS256 secret, say).
            raise InvalidAccessToken("not the algorithm of its key")
        claims = jwt.decode(
            token,
            key.verifying_key,
            algorithms=[key.algorithm],
            audience=settings.API_TOKEN_AUDIENCE,
            issuer=settings.API_TOKEN_ISSUER,
            options={"require": list(REQUIRED_CLAIMS)},
        )
    except jwt.PyJWTError as error:
        raise InvalidAccessToken(str(error)) from error
    if not set(claims) <= set(CLAIMS) or not isinstance(claims["sid"], str):
        raise InvalidAccessToken("claims other than an access token's")
    client_id, auth_time = claims.get("client_id", settings.OAUTH_DEFAULT_CLIENT_ID), claims.get("auth_time")
    if not isinstance(client_id, str) or not (auth_time is None or type(auth_time) is int):
        raise InvalidAccessToken("a client_id or auth_time that is not one")
    return AccessToken(
        subject=claims["sub"],
        login_id=claims["sid"],
        token_id=claims["jti"],
        issued_at=claims["iat"],
        expires_at=claims["exp"],
        client_id=client_id,
        auth_time=auth_time,
    )


def jwks() -> dict:
    """The public keys that verify access tokens, as a JWK Set (RFC 7517 §5): what jwks_uri serves."""
    return {"keys": [key.public_jwk for key in _signing_keys() if key.algorithm == ALGORITHM]}


@dataclass(frozen=True)
class SigningKey:
    kid: str
    algorithm: str  # ALGORITHM, or LEGACY_ALGORITHM for an HMAC secret (verify-only)
    private_key: object  # an EC private key, or the HMAC secret
    verifying_key: object  # its public key, or the HMAC secret
    public_jwk: dict | None  # RFC 7517 / 7518 §6.2: what any service needs to verify


def new_private_key() -> str:
    """A new EC P-256 private key, as API_SIGNING_KEYS takes it (base64url of PKCS#8 DER)."""
    der = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return base64.urlsafe_b64encode(der).rstrip(b"=").decode()


def _signing_keys() -> list[SigningKey]:
    keys = settings.API_SIGNING_KEYS
    if not keys:
        raise ImproperlyConfigured("API_SIGNING_KEYS is empty: the API cannot sign or verify access tokens.")
    if any(secret == settings.SECRET_KEY for _kid, secret in keys):
        raise ImproperlyConfigured("An API signing key must not be SECRET_KEY.")
    return _parsed(tuple(tuple(pair) for pair in keys))


def _keys_by_id() -> dict[str, SigningKey]:
    return {key.kid: key for key in _signing_keys()}


@lru_cache(maxsize=4)
def _parsed(pairs: tuple[tuple[str, str], ...]) -> list[SigningKey]:
    """The keys, parsed once per setting (a settings override in a test parses its own)."""
    return [_parse(kid, value) for kid, value in pairs]


def _parse(kid: str, value: str) -> SigningKey:
    private_key = _ec_private_key(value)
    if private_key is None:
        return SigningKey(kid, LEGACY_ALGORITHM, value, value, None)
    if not isinstance(private_key.curve, ec.SECP256R1):
        raise ImproperlyConfigured(f"API signing key {kid!r} is not a P-256 key (ES256, RFC 7518 §3.4).")
    public_key = private_key.public_key()
    jwk = {**ECAlgorithm.to_jwk(public_key, as_dict=True), "kid": kid, "alg": ALGORITHM, "use": "sig"}
    return SigningKey(kid, ALGORITHM, private_key, public_key, jwk)


def _ec_private_key(value: str):
    try:
        der = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        key = serialization.load_der_private_key(der, password=None)
    except (binascii.Error, ValueError, TypeError):
        return None
    return key if isinstance(key, ec.EllipticCurvePrivateKey) else None
