"""An API login and each refresh wait until a replica has them, as a web login does (session_state.connection)."""

from tests.api.requests import post
from tests.redis_stats import command_calls, reset_command_stats


def test_an_api_login_waits_for_a_replica(client, user, password, settings, redis_client):
    settings.REDIS_WAIT_FOR_REPLICAS, settings.REDIS_REPLICA_WAIT_MS = 1, 20
    reset_command_stats(redis_client)

    post(client, "auth/token", {"username": "alice", "password": password})

    assert command_calls(redis_client).get("wait") == 1


def test_a_refresh_waits_for_a_replica(client, tokens, settings, redis_client):
    settings.REDIS_WAIT_FOR_REPLICAS, settings.REDIS_REPLICA_WAIT_MS = 1, 20
    reset_command_stats(redis_client)

    response = post(client, "auth/refresh", {"refresh_token": tokens["refresh_token"]})

    assert response.status_code == 200
    assert command_calls(redis_client).get("wait") == 1
