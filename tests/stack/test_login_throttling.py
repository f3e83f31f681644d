from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.stack.shopper import workers_that_served

pytestmark = pytest.mark.stack

# A count's window starts with its first failure (accounts.throttling): a
# test's attempts, made within seconds of each other, fall in one window.
# Each shopper connects from an address of its own unless given one
# (tests/stack/shopper.py): new_shopper(address) is another connection from
# the same address.


def test_after_five_failures_from_one_address_every_worker_answers_that_address_429_even_to_the_right_password(
    stack, new_shopper, account
):
    username, password = account
    attacker = new_shopper()
    for _attempt in range(5):
        assert attacker.login(username, "wrong-password").status_code == 200

    def from_there(_n):
        return new_shopper(attacker.address).login(username, password)

    # Concurrent, each on a connection of its own from that address, so that several workers answer.
    with ThreadPoolExecutor(max_workers=6) as pool:
        attempts = list(pool.map(from_there, range(12)))

    assert [response.status_code for response in attempts] == [429] * 12
    assert all(int(response.headers["Retry-After"]) > 0 for response in attempts)
    assert len(set(workers_that_served(stack, attempts)) - {None}) >= 2


def test_after_five_failures_from_one_address_the_owner_logs_in_from_another_on_every_worker(
    stack, new_shopper, account
):
    username, password = account
    attacker = new_shopper()
    for _attempt in range(5):
        assert attacker.login(username, "wrong-password").status_code == 200

    # From other addresses, concurrent, so that several workers answer (fewer than MAX_SESSIONS_PER_USER).
    with ThreadPoolExecutor(max_workers=6) as pool:
        logins = list(pool.map(lambda _n: new_shopper().login(username, password), range(8)))

    assert [response.status_code for response in logins] == [302] * 8
    assert len(set(workers_that_served(stack, logins)) - {None}) >= 2


def test_the_per_address_limit_holds_across_usernames_and_forged_headers(new_shopper, account):
    attacker = new_shopper()
    attacker.get("/accounts/login/")  # its CSRF cookie first: concurrent first visits would each get another
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(lambda n: attacker.login(f"guess{n}", "wrong-password").status_code, range(50))
        )
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
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(lambda n: attacker.login(f"other{n}", "wrong-password").status_code, range(50))
        )
    assert statuses == [200] * 50

    neighbour = new_shopper()

    assert attacker.login(*account).status_code == 429
    assert neighbour.login(*account).status_code == 302


def test_of_twenty_guesses_at_one_username_from_one_address_arriving_at_once_exactly_five_are_checked(
    stack, new_shopper, account
):
    username, password = account
    address = new_shopper().address
    guessers = [new_shopper(address) for _n in range(20)]
    for guesser in guessers:
        guesser.get("/accounts/login/")  # CSRF cookies first, one each

    with ThreadPoolExecutor(max_workers=20) as pool:
        attempts = list(pool.map(lambda guesser: guesser.login(username, "wrong-password"), guessers))

    statuses = [response.status_code for response in attempts]
    assert sorted(statuses) == [200] * 5 + [429] * 15  # 200: checked and wrong; 429: refused unhashed
    assert new_shopper(address).login(username, password).status_code == 429
    assert len(set(workers_that_served(stack, attempts)) - {None}) >= 2
