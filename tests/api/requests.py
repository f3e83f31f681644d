"""Calling the API from the tests as a phone would: JSON bodies, a Bearer token."""

import base64
import json

import jwt


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


def resigned(token: str, secret: str, *, algorithm: str = "HS256", **header_changes) -> str:
    """The token's claims signed anew, as an attacker with `secret` would."""
    claims = jwt.decode(token, options={"verify_signature": False})
    header = {**jwt.get_unverified_header(token), **header_changes}
    header.pop("alg", None)
    return jwt.encode(claims, secret, algorithm=algorithm, headers=header)


def unsigned(token: str) -> str:
    """The token's claims under alg "none", no signature."""
    header = {**jwt.get_unverified_header(token), "alg": "none"}
    encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    return f"{encoded}.{token.split('.')[1]}."
