"""
The suite's own Redis: a real redis-server on a free port, started once per
run and thrown away after it, so no test touches a Redis the user runs.
"""

import copy
import subprocess
import time

import pytest
import redis
from django.test import override_settings

from deploy.stack import free_port, redis_server_binary


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    port = free_port()
    process = subprocess.Popen(
        [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path_factory.mktemp("redis"))],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _attempt in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("the test redis-server did not start")
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session", autouse=True)
def caches_on_test_redis(redis_url, django_test_environment):
    """Point every Django cache (sessions, rate limits) at the suite's Redis."""
    from django.conf import settings

    caches = copy.deepcopy(settings.CACHES)
    for cache in caches.values():
        cache["LOCATION"] = redis_url
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(autouse=True)
def redis_client(redis_url):
    """A plain client on the suite's Redis, which is emptied after every test."""
    client = redis.Redis.from_url(url=redis_url, decode_responses=True)
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def redis_down(settings):
    """Every Django cache pointed at a port where no Redis listens."""
    dead_url = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = {alias: {**cache, "LOCATION": dead_url} for alias, cache in settings.CACHES.items()}
