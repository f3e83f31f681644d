"""
Every form that checks a password shares one limiter and its counts
(accounts.throttling): the shop's login, the admin's, the API's,
re-authentication and the password change's old password; failures from
one address hold that address, not the username's owner elsewhere; and a
check is reserved before the password is hashed, so attempts arriving at
once get exactly the limit.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts import throttling
from tests.accounts.hashers import CountingBCryptHasher

ADMIN_LOGIN = "/admin/login/?next=/admin/"
ATTACKER = "203.0.113.66"


def staff(password, username="sam"):
    return get_user_model().objects.create_user(
        username=username, password=password, is_staff=True, is_superuser=True
    )


def web_login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def api_login(client, username, password):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


def admin_login(client, username, password):
    return client.post(ADMIN_LOGIN, {"username": username, "password": password})


LOGINS = {"web": (web_login, 302), "api": (api_login, 200), "admin": (admin_login, 302)}


@pytest.fixture
def carol_attacked(password, db):
    """Issue 22: five wrong passwords for carol from one address, two on the web, two on the API, one at the admin."""
    staff(password, username="carol")
    attacker = Client(headers={"X-Real-IP": ATTACKER})
    wrong = [
        web_login(attacker, "carol", "wrong"),
        web_login(attacker, "carol", "wrong"),
        api_login(attacker, "carol", "wrong"),
        api_login(attacker, "carol", "wrong"),
        admin_login(attacker, "carol", "wrong"),
    ]
    assert [response.status_code for response in wrong] == [200, 200, 400, 400, 200]


def test_five_wrong_passwords_at_the_admin_login_then_even_the_right_one_answers_429(client, password, db):
    staff(password)
    for _attempt in range(5):
        assert client.post(ADMIN_LOGIN, {"username": "sam", "password": "wrong"}).status_code == 200

    response = client.post(ADMIN_LOGIN, {"username": "sam", "password": password})

    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302  # not logged in


def test_a_username_locked_out_at_the_shops_login_is_locked_out_at_the_admins_from_that_address_without_hashing(
    password, settings, db
):
    staff(password)
    there = Client(headers={"X-Real-IP": "198.51.100.9"})
    for _attempt in range(5):
        there.post("/accounts/login/", {"username": "sam", "password": "wrong"})
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CountingBCryptHasher"]
    CountingBCryptHasher.hashes_computed = 0

    response = there.post(ADMIN_LOGIN, {"username": "sam", "password": password})

    assert response.status_code == 429
    assert CountingBCryptHasher.hashes_computed == 0


def test_wrong_old_passwords_at_the_password_change_are_counted_and_then_refused(logged_in_client, password):
    form = {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"}
    # The password was typed at login, just now: no re-authentication asked.
    for _attempt in range(5):
        wrong = logged_in_client.post("/accounts/password/change/", {**form, "old_password": "wrong"})
        assert wrong.status_code == 200

    response = logged_in_client.post("/accounts/password/change/", {**form, "old_password": password})

    assert response.status_code == 429
    assert get_user_model().objects.get(username="alice").check_password(password)


def test_a_right_password_gives_its_check_back(client, user, password):
    for _attempt in range(4):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    for _login in range(3):
        assert client.post("/accounts/login/", {"username": "alice", "password": password}).status_code == 302
        client.post("/accounts/logout/")

    assert client.post("/accounts/login/", {"username": "alice", "password": "wrong"}).status_code == 200


@pytest.mark.parametrize("where", LOGINS)
def test_five_failures_from_one_address_on_the_web_the_api_and_the_admin_hold_that_address_everywhere(
    carol_attacked, password, where
):
    log_in, _logged_in = LOGINS[where]

    response = log_in(Client(headers={"X-Real-IP": ATTACKER}), "carol", password)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize("where", LOGINS)
def test_an_attacker_who_used_up_carols_checks_at_one_address_does_not_stop_her_logging_in_from_another(
    carol_attacked, password, where
):
    log_in, logged_in = LOGINS[where]

    response = log_in(Client(headers={"X-Real-IP": "198.51.100.20"}), "carol", password)

    assert response.status_code == logged_in


def attempt(address):
    try:
        throttling.reserve_password_check(username="alice", address=address)
    except throttling.PasswordChecksUsedUp:
        return False
    return True


def test_of_twenty_checks_reserved_at_once_for_one_username_at_one_address_exactly_five_go_through(db):
    with ThreadPoolExecutor(max_workers=20) as pool:
        reserved = list(pool.map(attempt, ["198.51.100.1"] * 20))

    assert reserved.count(True) == 5


def test_of_two_hundred_checks_reserved_at_once_for_one_username_from_as_many_addresses_a_hundred_go_through(
    db,
):
    with ThreadPoolExecutor(max_workers=20) as pool:
        reserved = list(pool.map(attempt, [f"198.51.100.{n + 1}" for n in range(200)]))

    assert reserved.count(True) == 100


def test_the_admins_password_change_is_the_shops_whose_old_password_is_throttled(client, password, db):
    staff(password)
    client.post(ADMIN_LOGIN, {"username": "sam", "password": password})
    form = {
        "old_password": "wrong",
        "new_password1": "a-brand-new-passphrase",
        "new_password2": "a-brand-new-passphrase",
    }

    response = client.post("/admin/password_change/", form)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/"
    assert get_user_model().objects.get(username="sam").check_password(password)
