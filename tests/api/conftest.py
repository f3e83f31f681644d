import pytest

from session_state import revocations


@pytest.fixture(autouse=True)
def fresh_revocations_feed():
    """This process's revocations feed, started anew on the suite's Redis for each test (it outlives Redis's flush)."""
    revocations.restart_feed()
    yield
    revocations.restart_feed()


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
