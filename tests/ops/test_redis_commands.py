"""ops.redis_commands notes what the shop's Redis connections send, round trip by round trip."""

import pytest
from django_redis import get_redis_connection
from redis import ConnectionPool
from redis.connection import Connection, SSLConnection, UnixDomainSocketConnection

from ops.redis_commands import NotedCommands, noted_connection_class, noting


def test_a_command_is_noted_as_one_round_trip_with_its_name(db):
    client = get_redis_connection("sessions")
    client.get("lab-test:nothing")  # connected before: a new connection's handshake is round trips of its own

    with noting() as round_trips:
        client.get("lab-test:nothing")

    assert round_trips == [["GET"]]


def test_a_pipeline_is_noted_as_one_round_trip_with_all_its_commands(db):
    client = get_redis_connection("sessions")
    client.get("lab-test:{a}:1")

    with noting() as round_trips, client.pipeline(transaction=False) as pipeline:
        pipeline.get("lab-test:{a}:1").exists("lab-test:{a}:2").execute()

    assert round_trips == [["GET", "EXISTS"]]


def test_a_script_is_noted_by_its_file_name(logged_in_client, mug):
    with noting() as round_trips:
        logged_in_client.post(f"/cart/add/{mug.pk}/", {"quantity": 1})

    assert ["EVALSHA add.lua"] in round_trips


def test_nothing_is_noted_outside_noting(db):
    client = get_redis_connection("sessions")
    with noting() as round_trips:
        pass

    client.get("lab-test:nothing")

    assert round_trips == []


@pytest.mark.one_redis  # its pool (a cluster has one per node)
def test_a_new_connection_is_noted_with_its_handshake(db):
    client = get_redis_connection("sessions")
    client.connection_pool.disconnect()

    with noting() as round_trips:
        client.get("lab-test:nothing")

    assert round_trips[0] == ["HELLO"] or round_trips[0] == ["CLIENT"]
    assert round_trips[-1] == ["GET"]


def test_a_page_is_noted_with_as_many_round_trips_as_redis_counts(logged_in_client, round_trips):
    logged_in_client.get("/")  # once before, for Redis to learn the script
    with noting() as noted, round_trips:
        logged_in_client.get("/")

    assert len(noted) == round_trips.count == 1


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("redis://127.0.0.1:6379/0", Connection),
        ("rediss://127.0.0.1:6380/0", SSLConnection),
        ("unix:///run/redis/redis.sock?db=0", UnixDomainSocketConnection),
    ],
)
def test_the_noted_connection_is_redis_pys_own_for_the_urls_scheme(url, kind):
    pool = ConnectionPool.from_url(url, connection_class=noted_connection_class(url))

    assert isinstance(pool.make_connection(), kind)
    assert issubclass(pool.connection_class, NotedCommands)
