"""
The suite's own Redis: a real redis-server on a free port, started once per
run and thrown away after it, so no test touches a Redis the user runs.

And the real stack (nginx, 4 gunicorn workers, Redis) on free ports, started
by the same code as `make up`, for the stack and browser tests.
"""

import copy
import json
import subprocess
import sys
import time

import pytest
import redis
from django.test import override_settings

from deploy import stack as stack_module
from deploy.stack import Stack, free_port, redis_server_binary


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


@pytest.fixture(scope="session")
def database_dir(tmp_path_factory):
    """The stack's SQLite database lives alone here, so a test can take it away."""
    return tmp_path_factory.mktemp("stack-db")


@pytest.fixture(scope="session")
def stack(tmp_path_factory, database_dir):
    stack = Stack(
        state_dir=tmp_path_factory.mktemp("stack"),
        https_port=free_port(),
        http_port=free_port(),
        workers=4,
        extra_env={"DATABASE_URL": f"sqlite:///{database_dir / 'db.sqlite3'}"},
    )
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def short_timeout_stack(tmp_path_factory):
    """A second stack whose sessions idle out after 4 s and end 10 s after login."""
    stack = Stack(
        state_dir=tmp_path_factory.mktemp("short-timeout-stack"),
        https_port=free_port(),
        http_port=free_port(),
        workers=4,
        extra_env={"SESSION_IDLE_TIMEOUT": "4", "SESSION_ABSOLUTE_TIMEOUT": "10"},
    )
    stack.start()
    yield stack
    stack.stop()


def create_test_products(stack) -> dict[str, int]:
    """Products made for the concurrency and fault tests on a stack: {slug: id}."""
    code = """
import json
from shop.models import Category, Product
category, _ = Category.objects.get_or_create(slug="test-rig", defaults={"name": "Test rig"})
stocks = {f"race-spoon-{n}": 1000 for n in range(20)}
stocks.update({"cap-cup": 1000, "last-lamp": 1, "double-dish": 100, "last-vase": 1})
ids = {}
for slug, stock in stocks.items():
    product, _ = Product.objects.get_or_create(
        slug=slug, defaults={"category": category, "name": slug.replace("-", " ").title(), "price": "2.50", "stock": stock}
    )
    ids[slug] = product.pk
print(json.dumps(ids))
"""
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        env=stack.app_environment(), capture_output=True, text=True, check=True, cwd=stack_module.BASE_DIR,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def stack_products(stack):
    return create_test_products(stack)
