import pytest


@pytest.fixture(autouse=True)
def every_test_with_a_fresh_revocations_feed(fresh_revocations_feed):
    """Each API test's worker (this process) starts its revocations feed anew (tests/fixtures.py)."""


@pytest.fixture
def tokens(client, user, password):
    """alice's token pair, as the token endpoint answered it."""
    response = client.post(
        "/api/v1/auth/token", {"username": "alice", "password": password}, content_type="application/json"
    )
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def bearer(tokens):
    """alice's Authorization header."""
    return {"Authorization": f"Bearer {tokens['access_token']}"}
