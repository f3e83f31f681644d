"""Calling the API from the tests as a phone would: JSON bodies, a Bearer token."""

import base64
import hashlib
import hmac
import json

import jwt
from cryptography.hazmat.primitives import serialization


def post(client, path: str, body=None, *, token: str | None = None, **headers):
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.post(f"/api/v1/{path}", body or {}, content_type="application/json", headers=headers)


def get(client, path: str, *, token: str | None = None, **headers):
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.get(f"/api/v1/{path}", headers=headers)


def put(client, path: str, body, *, token: str):
    return client.put(
        f"/api/v1/{path}", body, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )


def delete(client, path: str, *, token: str):
    return client.delete(f"/api/v1/{path}", headers={"Authorization": f"Bearer {token}"})


def log_in(client, username: str, password: str) -> dict:
    response = post(client, "auth/token", {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def with_claims(token: str, **changes) -> str:
    """The token with its payload changed and its signature left as it was (a tampered token)."""
    header, payload, signature = token.split(".")
    claims = {**json.loads(base64.urlsafe_b64decode(payload + "==")), **changes}
    changed = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{changed}.{signature}"


def signing_key(settings):
    """The private key that signs the suite's access tokens (what an insider, or a thief of it, holds)."""
    value = settings.API_SIGNING_KEYS[0][1]
    return serialization.load_der_private_key(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), None)


def resigned(token: str, key, *, algorithm: str = "ES256", **header_changes) -> str:
    """The token's claims signed anew, as an attacker holding `key` would."""
    claims = jwt.decode(token, options={"verify_signature": False})
    header = {**jwt.get_unverified_header(token), **header_changes}
    header.pop("alg", None)
    return jwt.encode(claims, key, algorithm=algorithm, headers=header)


def hmac_signed(token: str, secret: bytes, **header_changes) -> str:
    """
    The token's claims under HS256 with `secret` (the published public key,
    say: RFC 8725 section 2.1's algorithm confusion), made by hand: PyJWT
    itself refuses to use a PEM key as an HMAC secret.
    """
    header = {**jwt.get_unverified_header(token), "alg": "HS256", **header_changes}
    signing_input = _b64(json.dumps(header).encode()) + "." + token.split(".")[1]
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(token: str) -> str:
    """The token's claims under alg "none", no signature."""
    header = {**jwt.get_unverified_header(token), "alg": "none"}
    encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    return f"{encoded}.{token.split('.')[1]}."
