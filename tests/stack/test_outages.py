"""A dependency that goes away gives clear 503 pages, and nobody is logged out."""

import time

import pytest

from tests.stack.shopper import Shopper

pytestmark = pytest.mark.stack


def wait_until_healthy(shopper, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if shopper.get("/healthz").status_code == 200:
            return
        time.sleep(0.2)
    pytest.fail("the shop did not recover by itself")


@pytest.fixture
def redis_outage(stack):
    stack.stop_redis()
    try:
        yield
    finally:
        stack.start_redis()


@pytest.fixture
def database_outage(stack):
    stack.database.take_away()
    try:
        yield
    finally:
        stack.database.give_back()


@pytest.fixture
def logged_in_shopper(shopper, account):
    assert shopper.login(*account).status_code == 302
    return shopper


def test_a_page_that_needs_the_session_answers_a_clear_503_while_redis_is_down(
    logged_in_shopper, redis_outage
):
    response = logged_in_shopper.get("/accounts/profile/")

    assert response.status_code == 503
    assert "reach the session store" in response.text
    assert "Traceback" not in response.text


def test_the_session_cookie_is_kept_while_redis_is_down(logged_in_shopper, redis_outage):
    response = logged_in_shopper.get("/accounts/profile/")

    assert "Set-Cookie" not in response.headers


def test_healthz_names_redis_while_it_is_down(stack, redis_outage):
    response = Shopper(stack, "127.0.0.1").get("/healthz")  # the stack's own address

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "redis": "down", "database": "ok"}


def test_a_login_attempt_answers_503_while_redis_is_down(shopper, account, redis_outage):
    response = shopper.login(*account)

    assert response.status_code == 503


def test_the_shop_recovers_by_itself_when_redis_is_back_and_nobody_was_logged_out(logged_in_shopper, stack):
    stack.stop_redis()
    assert logged_in_shopper.get("/accounts/profile/").status_code == 503
    stack.start_redis()

    wait_until_healthy(logged_in_shopper)

    assert logged_in_shopper.get("/accounts/profile/").status_code == 200


def test_pages_answer_a_clear_503_while_the_database_is_down(shopper, database_outage):
    response = shopper.get("/")

    assert response.status_code == 503
    assert "reach the database" in response.text
    assert "Traceback" not in response.text


def test_healthz_names_the_database_while_it_is_down(stack, database_outage):
    response = Shopper(stack, "127.0.0.1").get("/healthz")  # the stack's own address

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "redis": "ok", "database": "down"}


def test_the_shop_recovers_by_itself_when_the_database_is_back(logged_in_shopper, stack):
    stack.database.take_away()
    assert logged_in_shopper.get("/accounts/profile/").status_code == 503
    stack.database.give_back()

    wait_until_healthy(logged_in_shopper)

    assert logged_in_shopper.get("/accounts/profile/").status_code == 200
