"""
Logins and new session ids wait until a replica has them (WAIT, as a
command of its own, on the primary that holds the session), so that a
failover right after them does not lose them. In the suite's cluster run
every primary has a replica; on the suite's one Redis there is none, and
WAIT times out, which must not stop the login.
"""

import logging
import signal

import pytest

from ops.redis_cluster import primaries
from session_state import keys
from tests.fixtures import PASSWORD
from tests.redis_cluster import cluster_wanted
from tests.redis_stats import command_calls, primary_holding, reset_command_stats


@pytest.fixture
def waiting(settings):
    settings.REDIS_WAIT_FOR_REPLICAS = 1
    settings.REDIS_REPLICA_WAIT_MS = 50


def _log_in(client):
    return client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})


def test_a_login_waits_for_a_replica(client, user, waiting, redis_client):
    reset_command_stats(redis_client)

    _log_in(client)

    assert command_calls(redis_client).get("wait") == 1


def test_the_wait_goes_to_the_primary_that_holds_the_new_session(client, user, waiting, redis_client):
    reset_command_stats(redis_client)

    _log_in(client)

    holder = primary_holding(redis_client, keys.session(client.session.session_key))
    assert holder.info("commandstats")["cmdstat_wait"]["calls"] == 1


def test_a_new_session_id_waits_for_a_replica(logged_in_client, waiting, redis_client):
    reset_command_stats(redis_client)

    logged_in_client.session.cycle_key()

    assert command_calls(redis_client).get("wait") == 1


def test_without_replicas_to_wait_for_a_login_sends_no_wait(client, user, settings, redis_client):
    settings.REDIS_WAIT_FOR_REPLICAS = 0
    reset_command_stats(redis_client)

    _log_in(client)

    assert "wait" not in command_calls(redis_client)


def test_a_login_that_no_replica_acknowledged_in_time_still_logs_in_and_says_so(
    client, user, settings, redis_client, caplog
):
    settings.REDIS_WAIT_FOR_REPLICAS = 2  # more than any primary here has
    settings.REDIS_REPLICA_WAIT_MS = 20

    with caplog.at_level(logging.WARNING, logger="session_state.connection"):
        response = _log_in(client)

    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200
    assert "a failover now could lose it" in caplog.text


def test_every_primary_of_the_suites_cluster_has_a_replica_to_wait_for(redis_client):
    # The suite's one Redis has none: there, the test above stands for it.
    expected = 1 if cluster_wanted() else 0

    assert {primary.info("replication")["connected_slaves"] for primary in primaries(redis_client)} == {
        expected
    }


def test_a_logout_waits_for_a_replica(logged_in_client, waiting, redis_client):
    reset_command_stats(redis_client)

    logged_in_client.post("/accounts/logout/")

    assert command_calls(redis_client).get("wait") == 1


@pytest.mark.cluster_only
def test_the_wait_is_for_the_write_itself_so_a_frozen_replica_is_noticed(
    client, user, waiting, redis_client, redis_server, caplog
):
    # WAIT counts the writes of the connection it is sent on: sent on
    # another one, it would find nothing to wait for and answer at once.
    _log_in(client)
    session_key = keys.session(client.session.session_key)
    replica = redis_server.replica_of_primary_holding(session_key)

    redis_server.stack.send_signal(replica, signal.SIGSTOP)
    try:
        with caplog.at_level(logging.WARNING, logger="session_state.connection"):
            client.session.cycle_key()
    finally:
        redis_server.stack.send_signal(replica, signal.SIGCONT)

    assert "a failover now could lose it" in caplog.text
