import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django_ratelimit.core import _get_window

from tests.stack.shopper import workers_that_served

pytestmark = pytest.mark.stack


def wait_for_a_window_with_time_to_spare(value: str) -> None:
    """
    django-ratelimit counts in fixed windows, each key's ending at its own
    moment (docs/architecture.md): attempts on either side of that moment
    are counted in two windows. A test's attempts must fall in one.
    """
    left = _get_window(value, settings.LOGIN_FAILURE_WINDOW) - time.time()
    if left < 30:
        time.sleep(left + 1)


def test_after_five_failures_for_a_username_every_worker_answers_429_even_to_the_right_password(
    stack, new_shopper, account
):
    username, password = account
    wait_for_a_window_with_time_to_spare(username)
    for _attempt in range(5):
        assert new_shopper().login(username, "wrong-password").status_code == 200

    # Concurrent, as from many machines at once, so that several workers answer.
    with ThreadPoolExecutor(max_workers=6) as pool:
        attempts = list(pool.map(lambda _n: new_shopper().login(username, password), range(12)))

    assert [response.status_code for response in attempts] == [429] * 12
    assert all(int(response.headers["Retry-After"]) > 0 for response in attempts)
    assert len(set(workers_that_served(stack, attempts)) - {None}) >= 2


def test_the_per_address_limit_holds_across_usernames_and_forged_headers(new_shopper, account):
    attacker = new_shopper()
    attacker.get("/accounts/login/")  # its CSRF cookie first: concurrent first visits would each get another
    wait_for_a_window_with_time_to_spare(attacker.address)
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda n: attacker.login(f"guess{n}", "wrong-password").status_code, range(50)))
    assert statuses == [200] * 50

    plain = attacker.login("guess-more", "wrong-password")
    forged = [
        attacker.login("guess-more", "wrong-password", headers={header: "198.51.100.77"})
        for header in ("X-Forwarded-For", "X-Real-IP", "Forwarded")
    ]

    assert plain.status_code == 429
    assert [response.status_code for response in forged] == [429, 429, 429]


def test_the_per_address_limit_does_not_reach_other_addresses(new_shopper, account):
    attacker = new_shopper()
    attacker.get("/accounts/login/")
    wait_for_a_window_with_time_to_spare(attacker.address)
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda n: attacker.login(f"other{n}", "wrong-password").status_code, range(50)))
    assert statuses == [200] * 50

    neighbour = new_shopper()

    assert attacker.login(*account).status_code == 429
    assert neighbour.login(*account).status_code == 302
