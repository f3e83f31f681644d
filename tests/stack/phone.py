"""A phone that talks to the real stack's API over HTTPS: JSON, Bearer tokens, no cookies."""

import itertools

import requests

from bench.demos.common import FromAddress

_addresses = (f"127.0.1.{n}" for n in itertools.count(10))


def as_a_phone(session: requests.Session, stack) -> requests.Session:
    """A requests session (or a client library's, which is one) set up as a phone on the stack: its own address."""
    session.trust_env = False
    session.verify = str(stack.tls_cert)
    session.mount("https://", FromAddress(next(_addresses)))
    session.headers["User-Agent"] = "HearthApp/2.1 (iPhone; iOS 18.1)"
    return session


class Phone:
    def __init__(self, stack):
        self.stack = stack
        self.http = as_a_phone(requests.Session(), stack)
        self.access_token = self.refresh_token = None

    def call(self, method: str, path: str, body=None, *, token: str | None = None, **headers):
        token = token or self.access_token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(
            method,
            f"{self.stack.url}/api/v1/{path}",
            json=body,
            headers=headers,
            timeout=10,
            allow_redirects=False,
        )

    def log_in(self, username: str, password: str) -> dict:
        response = self.call("POST", "auth/token", {"username": username, "password": password})
        assert response.status_code == 200, response.text
        return self._keep(response.json())

    def refresh(self, refresh_token: str | None = None) -> requests.Response:
        response = self.call("POST", "auth/refresh", {"refresh_token": refresh_token or self.refresh_token})
        if response.status_code == 200:
            self._keep(response.json())
        return response

    def _keep(self, pair: dict) -> dict:
        self.access_token, self.refresh_token = pair["access_token"], pair["refresh_token"]
        return pair
