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

Signed with keys of their own (API_SIGNING_KEYS), never SECRET_KEY. Each
has an id; the first signs, and every one listed verifies, so a new key
can be added ahead of the old one's removal and rotating keys logs nobody
out.
"""

import secrets
import time
from dataclasses import dataclass

import jwt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOKEN_TYPE = "at+jwt"
ALGORITHM = "HS256"
CLAIMS = ("iss", "aud", "sub", "sid", "client_id", "auth_time", "jti", "iat", "exp")
# What a token of the release before has: required; the rest allowed.
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
    kid, secret = _signing_keys()[0]
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
    token = jwt.encode(claims, secret, algorithm=ALGORITHM, headers={"kid": kid, "typ": TOKEN_TYPE})
    return token, lifetime


def verify(token: str) -> AccessToken:
    """What the token says, once its signature, type, audience, issuer and times are checked; or InvalidAccessToken."""
    try:
        header = jwt.get_unverified_header(token)
        secret = dict(_signing_keys()).get(header.get("kid"))
        if secret is None or header.get("typ") != TOKEN_TYPE or header.get("alg") != ALGORITHM:
            raise InvalidAccessToken("unknown key, or not an access token")
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
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


def _signing_keys() -> list[tuple[str, str]]:
    keys = settings.API_SIGNING_KEYS
    if not keys:
        raise ImproperlyConfigured("API_SIGNING_KEYS is empty: the API cannot sign or verify access tokens.")
    if any(secret == settings.SECRET_KEY for _kid, secret in keys):
        raise ImproperlyConfigured("An API signing key must not be SECRET_KEY.")
    return keys
