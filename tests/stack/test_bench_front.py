"""
The benchmark measures the Express peer through the shop's own nginx and
TLS (bench/run.py): Stack.add_site serves another site from the same nginx,
beside the shop, with its own upstream.
"""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from bench.run import NODE_SITE
from deploy.stack import free_port

pytestmark = pytest.mark.stack


@pytest.fixture
def plain_server(tmp_path):
    """A plain HTTP server on loopback, standing in for the Express peer: it serves hello.txt."""
    (tmp_path / "hello.txt").write_text("hello from the peer")
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def test_a_site_added_beside_the_shop_is_served_by_the_same_nginx_with_the_same_tls(stack, plain_server):
    nginx_before = stack.pid("nginx")
    front_port = free_port()

    stack.add_site(
        "peer-under-test",
        NODE_SITE,
        {"NODE_PORT": str(plain_server), "FRONT_PORT": str(front_port)},
        port=front_port,
    )
    answer = requests.get(f"https://localhost:{front_port}/hello.txt", verify=str(stack.tls_cert), timeout=5)

    assert answer.text == "hello from the peer"
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    assert stack.pid("nginx") == nginx_before
    assert stack.health()[0] == 200
