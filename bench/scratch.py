"""
A Redis of the benchmark's own for what it measures in process
(bench/profiles.py, bench/instructions.py): a redis-server on a free port,
nothing kept on disk, stopped when the measurement ends.
"""

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from deploy.stack import free_port, redis_server_binary


@contextmanager
def scratch_redis(folder: Path) -> Iterator[str]:
    """A redis-server started in folder, answering: its URL; stopped after."""
    port = free_port()
    server = subprocess.Popen(
        [
            redis_server_binary(),
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        for _attempt in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
