"""
The API takes API_RATE_LIMIT requests per window from each client: per API
login with a live Bearer token, else per client address. Past it, 429 with
Retry-After, in the API's error format (the OAuth endpoints': RFC 6749's).
"""

import pytest

from .requests import get, log_in, post

LIMIT = 3


@pytest.fixture
def limit(settings):
    """Three requests a minute per client, set once the test's logins are made."""

    def set_limit():
        settings.API_RATE_LIMIT = f"{LIMIT}/m"

    return set_limit


def used_up(send) -> None:
    """Send LIMIT requests with `send`, each within the limit."""
    for _ in range(LIMIT):
        assert send().status_code != 429


def address(value: str) -> dict:
    """The client address as nginx tells it (X-Real-IP, ops.clients)."""
    return {"X-Real-IP": value}


def test_past_the_limit_a_token_gets_429_with_retry_after_until_its_window_ends(client, tokens, limit):
    limit()
    token = tokens["access_token"]
    used_up(lambda: get(client, "me", token=token))

    response = get(client, "me", token=token)

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_two_tokens_do_not_share_a_budget(client, tokens, user, password, limit):
    other = log_in(client, "alice", password)["access_token"]
    limit()
    used_up(lambda: get(client, "me", token=tokens["access_token"]))

    assert get(client, "me", token=tokens["access_token"]).status_code == 429
    assert get(client, "me", token=other).status_code == 200


def test_a_tokens_requests_do_not_use_up_its_address(client, tokens, mug, limit):
    limit()
    used_up(lambda: get(client, "me", token=tokens["access_token"], **address("203.0.113.5")))

    assert get(client, "products", **address("203.0.113.5")).status_code == 200


def test_without_a_token_an_address_past_the_limit_gets_429(client, mug, limit):
    limit()
    used_up(lambda: get(client, "products", **address("203.0.113.5")))

    response = get(client, "products", **address("203.0.113.5"))

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


def test_a_second_address_is_not_affected(client, mug, limit):
    limit()
    used_up(lambda: get(client, "products", **address("203.0.113.5")))

    assert get(client, "products", **address("203.0.113.5")).status_code == 429
    assert get(client, "products", **address("198.51.100.7")).status_code == 200


def test_made_up_tokens_count_against_their_address_not_a_budget_each(client, mug, limit):
    limit()
    for n in range(LIMIT):
        assert get(client, "me", token=f"made-up-{n}", **address("203.0.113.5")).status_code == 401

    assert get(client, "me", token="made-up-again", **address("203.0.113.5")).status_code == 429
    assert get(client, "products", **address("203.0.113.5")).status_code == 429


def test_an_ipv6_address_counts_with_its_whole_64(client, mug, limit):
    limit()
    for host in range(1, LIMIT + 1):
        assert get(client, "products", **address(f"2001:db8:1:2::{host}")).status_code == 200

    assert get(client, "products", **address("2001:db8:1:2:ffff::1")).status_code == 429
    assert get(client, "products", **address("2001:db8:1:3::1")).status_code == 200


def test_the_token_endpoint_past_the_limit_answers_an_oauth_error_even_with_the_right_password(
    client, user, password, limit
):
    limit()
    used_up(lambda: post(client, "auth/token", {"username": "alice", "password": "wrong"}))

    response = post(client, "auth/token", {"username": "alice", "password": password})

    assert response.status_code == 429
    assert response.json()["error"] == "invalid_request"
    assert "Too many requests" in response.json()["error_description"]
    assert int(response["Retry-After"]) >= 1
    assert response["Cache-Control"] == "no-store"


def test_revocation_past_the_limit_answers_an_oauth_error(client, limit):
    limit()
    used_up(lambda: post(client, "auth/revoke", {"token": "not-a-token"}))

    response = post(client, "auth/revoke", {"token": "not-a-token"})

    assert (response.status_code, response.json()["error"]) == (429, "invalid_request")


def test_redis_down_the_count_is_a_503_not_a_500(client, mug, redis_down):
    response = get(client, "products")

    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
