"""
Every form that checks a password shares one limiter and one count
(accounts.throttling): the shop's login, the admin's, re-authentication and
the password change's old password; and a check is reserved before the
password is hashed, so attempts arriving at once get exactly the limit.
"""

from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth import get_user_model
from django.test import Client

from accounts import throttling
from tests.accounts.hashers import CountingBCryptHasher

ADMIN_LOGIN = "/admin/login/?next=/admin/"


def staff(password):
    return get_user_model().objects.create_user(username="sam", password=password, is_staff=True, is_superuser=True)


def test_five_wrong_passwords_at_the_admin_login_then_even_the_right_one_answers_429(client, password, db):
    staff(password)
    for _attempt in range(5):
        assert client.post(ADMIN_LOGIN, {"username": "sam", "password": "wrong"}).status_code == 200

    response = client.post(ADMIN_LOGIN, {"username": "sam", "password": password})

    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302  # not logged in


def test_a_username_locked_out_at_the_shops_login_is_locked_out_at_the_admins_without_hashing(
    client, password, settings, db
):
    staff(password)
    for _attempt in range(5):
        client.post("/accounts/login/", {"username": "sam", "password": "wrong"})
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CountingBCryptHasher"]
    CountingBCryptHasher.hashes_computed = 0

    response = Client(headers={"X-Real-IP": "198.51.100.9"}).post(ADMIN_LOGIN, {"username": "sam", "password": password})

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


def test_of_twenty_checks_reserved_at_once_for_one_username_exactly_five_go_through(db):
    def attempt(n):
        try:
            throttling.reserve_password_check(username="alice", address=f"198.51.100.{n}")
        except throttling.PasswordChecksUsedUp:
            return False
        return True

    with ThreadPoolExecutor(max_workers=20) as pool:
        reserved = list(pool.map(attempt, range(20)))

    assert reserved.count(True) == 5


def test_the_admins_password_change_is_the_shops_whose_old_password_is_throttled(client, password, db):
    staff(password)
    client.post(ADMIN_LOGIN, {"username": "sam", "password": password})
    form = {"old_password": "wrong", "new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"}

    response = client.post("/admin/password_change/", form)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/"
    assert get_user_model().objects.get(username="sam").check_password(password)
