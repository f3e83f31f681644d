"""ASVS level 3 session rules, seen through nginx with several workers."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.stack.shopper import Shopper, workers_that_served

pytestmark = pytest.mark.stack


def test_a_session_ended_on_one_worker_is_ended_on_every_worker(stack, new_shopper, account):
    laptop, phone = new_shopper(), new_shopper()
    laptop.login(*account)
    phone.login(*account)

    laptop.post("/accounts/sessions/end-others/", {"next": "/accounts/sessions/"})

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda _n: phone.get("/accounts/profile/"), range(16)))
    assert [response.status_code for response in responses] == [302] * 16
    assert len(set(workers_that_served(stack, responses)) - {None}) >= 2
    assert laptop.get("/accounts/profile/").status_code == 200


def test_session_ids_never_appear_in_urls_pages_or_logs(stack, new_shopper, account):
    shopper = new_shopper()
    shopper.login(*account)
    seen_pages = [shopper.get(path) for path in ("/", "/accounts/profile/", "/accounts/sessions/", "/cart/")]
    session_id = shopper.session_id

    assert all(session_id not in page.text and session_id not in page.url for page in seen_pages)
    logs = "".join(path.read_text(errors="replace") for path in stack.log_dir.glob("*.log"))
    assert "accounts/sessions" in logs  # the access logs saw these requests
    assert session_id not in logs


def test_security_headers_come_through_nginx(shopper):
    response = shopper.get("/")

    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Server"] == "nginx"


def test_a_garbage_session_cookie_is_an_anonymous_visit_not_an_error(shopper):
    shopper.use_session_id("u" + "%" * 3000)

    response = shopper.get("/accounts/profile/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_a_cookie_too_large_for_nginx_is_refused_with_400_not_500(shopper):
    shopper.use_session_id("u" * 20000)

    assert shopper.get("/").status_code == 400


@pytest.fixture
def short_shopper(short_timeout_stack):
    shopper = Shopper(short_timeout_stack)
    shopper.register(f"short-{time.monotonic_ns()}", "sturdy-kettle-93")
    return shopper


@pytest.mark.timed
def test_an_idle_session_ends_after_the_idle_timeout(short_shopper):
    time.sleep(5)

    response = short_shopper.get("/accounts/profile/")
    login_page = short_shopper.get(response.headers["Location"])

    assert response.status_code == 302
    assert "Your session expired. Please log in again." in login_page.text


@pytest.mark.timed
def test_use_keeps_a_session_alive_past_the_idle_timeout(short_shopper):
    statuses = []
    for _request in range(6):  # 7.5 s in all, past the 4 s idle timeout
        time.sleep(1.5)
        statuses.append(short_shopper.get("/accounts/profile/").status_code)

    assert statuses == [200] * 6


@pytest.mark.timed
def test_the_absolute_timeout_ends_even_an_active_session(short_shopper):
    started = time.monotonic()
    while time.monotonic() - started < 8:
        assert short_shopper.get("/accounts/profile/").status_code == 200
        time.sleep(1.5)
    time.sleep(max(0, 10.5 - (time.monotonic() - started)))

    assert short_shopper.get("/accounts/profile/").status_code == 302
