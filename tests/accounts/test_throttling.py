import pytest
from django.test import Client

from tests.accounts.hashers import CountingBCryptHasher

LOGIN = "/accounts/login/"


def fail_logins(client, count, username="alice"):
    for _attempt in range(count):
        assert client.post(LOGIN, {"username": username, "password": "wrong"}).status_code == 200


def client_at(address, **headers):
    return Client(headers={"X-Real-IP": address, **headers})


def test_five_failures_for_a_username_from_one_address_then_its_next_attempt_answers_429(client, user):
    fail_logins(client, 5)

    response = client.post(LOGIN, {"username": "alice", "password": "wrong"})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_a_throttled_attempt_says_when_to_retry(client, user):
    fail_logins(client, 5)

    response = client.post(LOGIN, {"username": "alice", "password": "wrong"})

    assert 1 <= int(response["Retry-After"]) <= 900


def test_the_right_password_is_refused_at_an_address_once_its_limit_is_reached(client, user, password):
    fail_logins(client, 5)

    response = client.post(LOGIN, {"username": "alice", "password": password})

    assert response.status_code == 429
    assert client.get("/accounts/profile/").status_code == 302


def test_a_throttled_attempt_hashes_no_password(client, user, settings):
    fail_logins(client, 5)
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CountingBCryptHasher"]
    CountingBCryptHasher.hashes_computed = 0

    client.post(LOGIN, {"username": "alice", "password": "wrong"})

    assert CountingBCryptHasher.hashes_computed == 0


def test_failures_from_one_address_do_not_stop_the_owner_logging_in_from_another(user, password):
    fail_logins(client_at("203.0.113.66"), 5)

    response = client_at("198.51.100.6").post(LOGIN, {"username": "alice", "password": password})

    assert response.status_code == 302


def test_an_ipv6_host_counts_as_its_whole_64_not_as_each_of_its_addresses(user, password):
    for n in range(5):
        fail_logins(client_at(f"2001:db8:1:2::{n + 1:x}"), 1)

    same_host = client_at("2001:db8:1:2:ffff::9").post(LOGIN, {"username": "alice", "password": password})
    next_network = client_at("2001:db8:1:3::1").post(LOGIN, {"username": "alice", "password": password})

    assert same_host.status_code == 429
    assert next_network.status_code == 302


def test_guesses_at_a_username_from_two_hundred_addresses_stop_at_its_budget_of_a_hundred(user):
    statuses = [
        client_at(f"198.51.100.{number + 1}")
        .post(LOGIN, {"username": "alice", "password": "wrong"})
        .status_code
        for number in range(200)
    ]

    assert statuses == [200] * 100 + [429] * 100  # 200: checked and wrong; 429: refused unhashed


def test_once_a_usernames_budget_over_all_addresses_is_used_up_even_the_owner_waits(user, password, settings):
    settings.LOGIN_FAILURES_PER_USERNAME = 10
    for number in range(2):
        fail_logins(client_at(f"203.0.113.{number + 1}"), 5)

    response = client_at("198.51.100.6").post(LOGIN, {"username": "alice", "password": password})

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 900


def test_guesses_refused_at_a_used_up_address_spend_nothing_of_the_usernames_budget(user, settings):
    settings.LOGIN_FAILURES_PER_USERNAME = 10
    attacker = client_at("203.0.113.66")
    fail_logins(attacker, 5)
    for _attempt in range(20):
        assert attacker.post(LOGIN, {"username": "alice", "password": "wrong"}).status_code == 429

    elsewhere = client_at("198.51.100.6")
    statuses = [
        elsewhere.post(LOGIN, {"username": "alice", "password": "wrong"}).status_code for _n in range(5)
    ]

    assert statuses == [200] * 5  # checked: 10 failures spent in all, not 30


def test_the_username_count_ignores_letter_case(client, user):
    fail_logins(client, 5, username="ALICE")

    assert client.post(LOGIN, {"username": "alice", "password": "wrong"}).status_code == 429


def test_the_username_count_holds_for_lookalike_letters_that_log_in_as_the_same_user(client, user, password):
    fail_logins(client, 5, username="ａｌｉｃｅ")  # full-width letters, NFKC-equal to "alice"

    assert client.post(LOGIN, {"username": "alice", "password": password}).status_code == 429


def test_successful_logins_do_not_count(user, password):
    for _attempt in range(8):
        client = client_at("198.51.100.7")
        assert client.post(LOGIN, {"username": "alice", "password": password}).status_code == 302


def test_the_address_count_holds_across_usernames(client, db, settings):
    for number in range(settings.LOGIN_FAILURES_PER_IP):
        fail_logins(client, 1, username=f"guess-{number}")

    response = client.post(LOGIN, {"username": "one-more-guess", "password": "wrong"})

    assert response.status_code == 429


def test_another_address_is_not_held_by_that_count(client, user, settings, password):
    for number in range(settings.LOGIN_FAILURES_PER_IP):
        fail_logins(client, 1, username=f"guess-{number}")

    response = client_at("198.51.100.8").post(LOGIN, {"username": "alice", "password": password})

    assert response.status_code == 302


@pytest.mark.parametrize("forged", [{"X-Forwarded-For": "192.0.2.99"}, {"Forwarded": "for=192.0.2.99"}])
def test_a_forwarded_header_does_not_change_the_address_counted(db, settings, forged):
    for number in range(settings.LOGIN_FAILURES_PER_IP):
        fail_logins(client_at("203.0.113.20"), 1, username=f"guess-{number}")

    response = client_at("203.0.113.20", **forged).post(LOGIN, {"username": "new-guess", "password": "wrong"})

    assert response.status_code == 429


def test_the_limits_can_be_changed_in_the_settings(client, user, settings):
    settings.LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS = 2

    fail_logins(client, 2)

    assert client.post(LOGIN, {"username": "alice", "password": "wrong"}).status_code == 429
