"""
What nginx answers itself under /api/ (a method it refuses, a URI or a body
too large, no app server) is an RFC 9457 problem, as every error of the API
is (api/problems.py); elsewhere, nginx's own pages as before.
"""

import json
import os
import re
import signal
from pathlib import Path

import pytest

from api import problems
from deploy.stack import _unix_socket_accepts
from tests.stack.flood import flood
from tests.stack.shopper import Shopper
from tests.waiting import within

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = (ROOT / "deploy/nginx/shop.conf.template").read_text()
SECURITY_HEADERS = ("Strict-Transport-Security", "X-Content-Type-Options", "Content-Security-Policy")
LONG = "q" * 20000


def is_problem(response, stack, code: str) -> bool:
    """Whether the response is the problem `code`, as api.problems makes it, under the stack's address."""
    if response.headers.get("Content-Type") != "application/problem+json":
        return False
    body = response.json()
    kind = problems.KINDS[code]
    return (body["type"], body["title"], body["status"], body["code"], response.status_code) == (
        f"{stack.public_url}/problems/{code}",
        kind.title,
        kind.status,
        code,
        kind.status,
    ) and bool(body["detail"])


def nginx_answers(shopper, what: str):
    http, url = shopper.http, shopper.stack.url
    if what == "a TRACE":
        return http.request("TRACE", f"{url}/api/v1/me", timeout=10)
    if what == "a URI too long":
        return http.get(f"{url}/api/v1/products?q={LONG}", timeout=10)
    if what == "a body too large":
        return http.post(f"{url}/api/v1/cart/items", data=b"x" * (2 * 1024 * 1024), timeout=10)
    if what == "too many requests":
        return too_many_requests(shopper, "/api/v1/products")
    shopper.use_session_id("u" * 20000)  # headers too large
    return shopper.get("/api/v1/products")


def too_many_requests(shopper, path: str):
    """
    nginx's 429 to a GET of path from the shopper's address, past its
    per-address request rate: a flood, mostly of a file nginx serves itself
    (as fast as nginx answers, whatever the app servers' speed; counted as
    pages are), with path among them.
    """
    files_and_path = ["/static/css/shop.css"] * 9 + [path]
    sent = flood(shopper.stack, shopper.address, files_and_path, until=lambda sent: path in sent.refused)
    assert path in sent.refused, f"no 429 to {path} in {len(sent.statuses)} requests"
    return sent.refused[path]


# The template's problems are the API's own kinds (no stack needed).


def test_every_problem_nginx_answers_is_one_of_the_apis_kinds():
    returned = re.findall(r"return (\d+) '(\{.*\})';", TEMPLATE)

    assert len(returned) == 10
    for status, text in returned:
        body = json.loads(text.replace("${SHOP_PUBLIC_URL}", "https://shop.example"))
        kind = problems.KINDS[body["code"]]
        assert (body["type"], body["title"], body["status"], int(status)) == (
            f"https://shop.example/problems/{body['code']}",
            kind.title,
            kind.status,
            kind.status,
        ), body


def test_every_error_page_of_nginx_has_its_location():
    statuses = re.findall(r"error_page (\d+) /\.nginx-error/(\d+);", TEMPLATE)

    assert statuses and all(status == page for status, page in statuses)
    assert all(f"location = /.nginx-error/{status} {{" in TEMPLATE for status, _page in statuses)


# On the real stack.


@pytest.mark.stack
@pytest.mark.parametrize(
    ("what", "code"),
    [
        ("a TRACE", "method_not_allowed"),
        ("a URI too long", "uri_too_long"),
        ("a body too large", "payload_too_large"),
        ("headers too large", "bad_request"),
        ("too many requests", "rate_limited"),
    ],
)
def test_what_nginx_refuses_under_the_api_is_a_problem(stack, what, code):
    shopper = Shopper(stack)

    assert is_problem(nginx_answers(shopper, what), stack, code)


@pytest.mark.stack
@pytest.mark.parametrize(
    "what", ["a TRACE", "a URI too long", "a body too large", "headers too large", "too many requests"]
)
def test_nginxs_problems_are_never_stored_and_carry_the_security_headers_once(stack, what):
    response = nginx_answers(Shopper(stack), what)

    assert response.headers["Cache-Control"] == "no-store"
    assert [len(response.raw.headers.getlist(name)) for name in (*SECURITY_HEADERS, "Cache-Control")] == [
        1
    ] * 4


@pytest.mark.stack
def test_nginxs_405_under_the_api_says_which_methods_the_api_has(stack):
    response = nginx_answers(Shopper(stack), "a TRACE")

    assert response.headers["Allow"] == "GET, POST, PUT, DELETE"


@pytest.mark.stack
@pytest.mark.parametrize("path", ["/api/v1/products", "/"])
def test_nginxs_429_says_when_to_try_again_under_the_api_and_on_pages(stack, path):
    response = too_many_requests(Shopper(stack), path)

    assert response.raw.headers.getlist("Retry-After") == ["1"]


@pytest.mark.stack
def test_outside_the_api_nginxs_429_is_its_own_page(stack):
    response = too_many_requests(Shopper(stack), "/")

    assert response.headers["Content-Type"] == "text/html"
    assert "Cache-Control" not in response.headers


@pytest.mark.stack
def test_the_apps_own_405_keeps_its_one_allow_header_and_one_cache_control(stack):
    shopper = Shopper(stack)

    response = shopper.http.delete(f"{stack.url}/api/v1/products", timeout=10)

    assert is_problem(response, stack, "method_not_allowed")
    assert (response.raw.headers.getlist("Allow"), response.raw.headers.getlist("Cache-Control")) == (
        ["GET"],
        ["no-store"],
    )


@pytest.mark.stack
def test_a_uri_longer_than_gunicorns_default_limit_is_answered_by_the_api(stack):
    response = Shopper(stack).get("/api/v1/products?q=" + "q" * 6000)

    assert is_problem(response, stack, "invalid_fields")


@pytest.mark.stack
@pytest.mark.parametrize(
    ("what", "status"), [("a TRACE", 405), ("a URI too long", 414), ("a body too large", 413)]
)
def test_outside_the_api_nginx_answers_its_own_pages(stack, what, status):
    shopper = Shopper(stack)
    if what == "a TRACE":
        response = shopper.http.request("TRACE", f"{stack.url}/cart/", timeout=10)
    elif what == "a URI too long":
        response = shopper.get(f"/?{LONG}")
    else:
        response = shopper.http.post(f"{stack.url}/cart/clear/", data=b"x" * (2 * 1024 * 1024), timeout=10)

    assert (response.status_code, response.headers["Content-Type"]) == (status, "text/html")
    assert "Allow" not in response.headers and "Cache-Control" not in response.headers


@pytest.fixture(scope="module")
def stack_without_app_server(start_stack):
    """A stack of its own whose one app server is killed: nginx has nobody to pass a request to."""
    stack = start_stack("no-app-server-stack", workers=1)
    os.killpg(stack.pid("gunicorn"), signal.SIGKILL)  # the master and its worker, outright
    assert within(10, lambda: not _unix_socket_accepts(stack.gunicorn_socket("gunicorn"))) is not None
    yield stack
    stack.stop()


@pytest.mark.stack
def test_with_no_app_server_the_api_answers_a_502_problem(stack_without_app_server):
    stack = stack_without_app_server

    response = Shopper(stack).get("/api/v1/products")

    assert is_problem(response, stack, "bad_gateway")


@pytest.mark.stack
def test_with_no_app_server_a_page_is_nginxs_own_502(stack_without_app_server):
    response = Shopper(stack_without_app_server).get("/")

    assert (response.status_code, response.headers["Content-Type"]) == (502, "text/html")
