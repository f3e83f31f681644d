import pytest
import requests

from tests.stack.shopper import Shopper

pytestmark = pytest.mark.stack


def test_the_session_cookie_is_host_only_secure_httponly_and_lax(shopper, account):
    response = shopper.login(*account)

    cookie = next(
        c for c in response.raw.headers.getlist("Set-Cookie") if c.startswith("__Host-shop_session=")
    )
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "path", "samesite"} <= attributes
    assert "domain" not in attributes
    assert "Path=/" in cookie
    assert "SameSite=Lax" in cookie


def test_the_csrf_cookie_is_secure_and_host_only(shopper):
    response = shopper.get("/accounts/login/")

    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-csrftoken=")
    assert "Secure" in cookie
    assert "Domain" not in cookie


def test_plain_http_is_redirected_to_https(stack):
    response = requests.get(
        f"http://localhost:{stack.http_port}/accounts/login/?next=/", allow_redirects=False, timeout=5
    )

    assert response.status_code == 301
    assert response.headers["Location"] == f"https://localhost:{stack.https_port}/accounts/login/?next=/"


def test_the_plain_http_redirect_goes_to_the_shops_address_whatever_host_the_request_names(stack):
    response = requests.get(
        f"http://localhost:{stack.http_port}/accounts/login/",
        headers={"Host": "evil.example:1337"},
        allow_redirects=False,
        timeout=5,
    )

    assert response.headers["Location"] == f"{stack.public_url}/accounts/login/"


def test_static_files_are_served_by_nginx_not_by_a_worker(shopper):
    response = shopper.get("/static/css/shop.css")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/css"
    assert "X-Served-By" not in response.headers


def test_nginx_does_not_announce_its_version(shopper):
    assert shopper.get("/").headers["Server"] == "nginx"


def test_healthz_reports_redis_and_the_database_to_the_stacks_own_address(stack):
    response = Shopper(stack, "127.0.0.1").get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "redis": "ok", "database": "ok"}


def test_healthz_tells_any_other_address_ok_and_nothing_more(shopper):
    response = shopper.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


SECURITY_HEADERS = ("Strict-Transport-Security", "X-Content-Type-Options", "Content-Security-Policy")


@pytest.mark.parametrize(
    ("what", "status"),
    [("a static file", 200), ("a cookie too large", 400), ("a body too large", 413), ("a URL too long", 414)],
)
def test_what_nginx_answers_itself_carries_the_security_headers_once(shopper, what, status):
    if what == "a static file":
        response = shopper.get("/static/css/shop.css")
    elif what == "a cookie too large":
        shopper.use_session_id("u" * 20000)
        response = shopper.get("/")
    elif what == "a body too large":
        response = shopper.http.post(
            shopper.stack.url + "/cart/clear/", data=b"x" * (2 * 1024 * 1024), timeout=10
        )
    else:
        response = shopper.get("/?" + "q" * 20000)

    assert response.status_code == status
    assert [response.raw.headers.getlist(name) for name in SECURITY_HEADERS] == [
        [response.headers[name]] for name in SECURITY_HEADERS
    ]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_a_page_from_the_shop_carries_its_own_policy_once(shopper):
    response = shopper.get("/")

    assert response.raw.headers.getlist("Content-Security-Policy") == [
        response.headers["Content-Security-Policy"]
    ]
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert len(response.raw.headers.getlist("Strict-Transport-Security")) == 1
