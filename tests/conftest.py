"""
The suite's own Redis: a real redis-server on a free port, started once per
run and thrown away after it, so no test touches a Redis the user runs. With
TEST_REDIS=cluster, a real Redis Cluster of six instead (tests/redis_cluster.py),
for the run of the suite against a cluster.

And the real stack (nginx, 4 gunicorn workers, Redis) on free ports, started
by the same code as `make up`, for the stack and browser tests.
"""

import copy
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from urllib.parse import urlparse

import psycopg
import pytest
import redis
from django.test import override_settings

from deploy.stack import Stack, free_port, scratch_redis
from ops.redis_cluster import primaries
from tests.redis_cluster import SuiteCluster, cluster_wanted
from tests.stack.products import create_test_products

pytest_plugins = ["tests.fixtures"]


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """The suite's redis-server process (or its cluster); its URL is redis_url."""
    if cluster_wanted():
        cluster = SuiteCluster(tmp_path_factory.mktemp("redis-cluster"))
        cluster.start()
        yield cluster
        cluster.stop()
        return
    with scratch_redis(tmp_path_factory.mktemp("redis")) as process:
        yield process


@pytest.fixture(scope="session")
def redis_url(redis_server):
    return redis_server.url


@pytest.fixture
def stalled_redis(redis_server):
    """
    with stalled_redis(): the suite's Redis is up but answers nothing
    (SIGSTOP), as when it is swapping or its host is frozen, until the block
    ends or wake_after seconds have passed. What clients send meanwhile
    waits in its sockets, and runs as soon as it wakes.
    """

    @contextmanager
    def stalled(*, wake_after: float | None = None):
        wake = threading.Timer(wake_after or 0, redis_server.send_signal, [signal.SIGCONT])
        redis_server.send_signal(signal.SIGSTOP)
        if wake_after is not None:
            wake.start()
        try:
            yield
        finally:
            wake.cancel()  # a wake-up left over must not end a later stall early
            redis_server.send_signal(signal.SIGCONT)

    return stalled


@pytest.fixture(scope="session", autouse=True)
def caches_on_test_redis(redis_server, redis_url, django_test_environment):
    """Point every Django cache (sessions, rate limits) at the suite's Redis (or cluster)."""
    from django.conf import settings

    caches = copy.deepcopy(settings.CACHES)
    for cache in caches.values():
        cache["LOCATION"] = redis_url
        if isinstance(redis_server, SuiteCluster):
            cache["OPTIONS"] = {**cache["OPTIONS"], **_cluster_options(redis_server.nodes)}
    with override_settings(CACHES=caches):
        yield


def _cluster_options(nodes) -> dict:
    return {"CONNECTION_FACTORY": "ops.redis_cluster.ClusterConnectionFactory", "CLUSTER_NODES": nodes}


@pytest.fixture(autouse=True)
def no_catalog_pages_kept():
    """
    Each test starts as a fresh worker does, with no catalog page kept
    (catalog/pages.py): the test database goes back to where it was after
    each test, and so may its catalog's version, with other products.
    """
    from django.core.cache import caches

    caches["catalog"].clear()


@pytest.fixture(autouse=True)
def redis_client(redis_server, redis_url):
    """A plain client on the suite's Redis (or cluster), which is emptied after every test."""
    if isinstance(redis_server, SuiteCluster):
        client = redis_server.client()
    else:
        client = redis.Redis.from_url(url=redis_url, decode_responses=True)
    yield client
    for primary in primaries(client):
        primary.flushdb()
    client.close()


class RoundTrips:
    """
    Counts the round trips to Redis made in a with block, from what Redis
    itself counts: read events (INFO total_reads_processed), one for each
    command sent on its own, a pipeline or a Lua script with all it runs.
    On a cluster, summed over the primaries, less what their replicas send
    them (a REPLCONF ACK every second, each a read event of its own).
    """

    def __init__(self, client):
        self.client = client
        self.count = None

    def _reads(self) -> int:
        reads = 0
        for primary in primaries(self.client):
            info = primary.info("stats", "commandstats")
            reads += info["total_reads_processed"] - info.get("cmdstat_replconf", {}).get("calls", 0)
        return reads

    def __enter__(self):
        self.before = self._reads()
        return self

    def __exit__(self, *exc_info):
        # Less the INFO that asks, on each primary.
        self.count = self._reads() - self.before - len(primaries(self.client))


@pytest.fixture
def round_trips(redis_client):
    return RoundTrips(redis_client)


@pytest.fixture
def redis_down(settings):
    """Every Django cache pointed at a port where no Redis listens (a cluster's seed node, in a cluster run)."""
    dead_port = free_port()
    dead = {"LOCATION": f"redis://127.0.0.1:{dead_port}/0"}
    settings.CACHES = {
        alias: {
            **cache,
            **dead,
            **(
                {"OPTIONS": {**cache["OPTIONS"], **_cluster_options([("127.0.0.1", dead_port)])}}
                if cluster_wanted()
                else {}
            ),
        }
        for alias, cache in settings.CACHES.items()
    }


class StackDatabase:
    """
    A fresh database for one test stack, which a test can take away and give back.

    SQLite in a folder of its own (taken away by moving the folder), or, when
    the suite runs on PostgreSQL (DATABASE_URL), a database of its own on the
    same server (taken away by refusing connections to it).
    """

    def __init__(self, tmp_path_factory, name: str):
        server = os.environ.get("DATABASE_URL", "")
        self.postgres = server.startswith("postgres")
        if self.postgres:
            self.server = server
            self.name = f"stack_{name.replace('-', '_')}_{os.getpid()}_{time.monotonic_ns()}"
            self._admin(f'CREATE DATABASE "{self.name}"')
            self.url = urlparse(server)._replace(path=f"/{self.name}").geturl()
        else:
            self.folder = tmp_path_factory.mktemp(f"{name}-db")
            self.url = f"sqlite:///{self.folder / 'db.sqlite3'}"

    def _admin(self, *statements):
        with psycopg.connect(self.server, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def take_away(self):
        if self.postgres:
            self._admin(
                f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS false',
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{self.name}'",
            )
        else:
            self.folder.rename(self.folder.with_name(self.folder.name + "-away"))

    def give_back(self):
        if self.postgres:
            self._admin(f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS true')
        else:
            self.folder.with_name(self.folder.name + "-away").rename(self.folder)

    def drop(self):
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def start_stack(tmp_path_factory):
    """
    start_stack(name, **options): a stack of its own (state folder, database,
    free ports) started by the same code as `make up`; stopped at the end.
    """
    started = []

    def start(name, *, extra_env=None, **options):
        database = StackDatabase(tmp_path_factory, name)
        stack = Stack(
            state_dir=tmp_path_factory.mktemp(name),
            https_port=free_port(),
            http_port=free_port(),
            extra_env={**(extra_env or {}), "DATABASE_URL": database.url},
            **options,
        )
        stack.database = database
        started.append(stack)
        stack.start()
        return stack

    yield start

    def stop(stack):
        stack.stop()
        stack.database.drop()

    # All at once: each waits a second or two for its gunicorn to finish.
    with ThreadPoolExecutor() as pool:
        list(pool.map(stop, started))


@pytest.fixture(scope="session")
def stack(start_stack):
    # The session lab on, as `make run` has it (it records only browsers that open it).
    return start_stack("stack", workers=4, extra_env={"SESSION_LAB": "1"})


@pytest.fixture(scope="session")
def short_timeout_stack(start_stack):
    """A second stack whose sessions idle out after 4 s and end 10 s after login (the session lab on, to watch them)."""
    return start_stack(
        "short-timeout-stack",
        workers=4,
        extra_env={"SESSION_IDLE_TIMEOUT": "4", "SESSION_ABSOLUTE_TIMEOUT": "10", "SESSION_LAB": "1"},
    )


@pytest.fixture(scope="session")
def stack_products(stack):
    return create_test_products(stack)


@pytest.fixture(scope="session")
def cluster_stack(start_stack):
    """
    The shop on a Redis Cluster of its own (three primaries, three
    replicas), as `CLUSTER=1 make up` starts it, with two app servers of two
    workers each, so that requests cross app servers as well as workers.
    """
    return start_stack("cluster-stack", cluster=True, workers=2, app_servers=2)
