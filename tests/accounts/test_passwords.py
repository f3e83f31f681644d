import pytest
from django.contrib.auth import get_user_model

from shop.settings import base
from tests.accounts.hashers import CountingBCryptHasher


@pytest.fixture
def counting_bcrypt(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CountingBCryptHasher"]
    CountingBCryptHasher.hashes_computed = 0
    return CountingBCryptHasher


def test_bcrypt_is_the_hasher_for_new_passwords():
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.BCryptSHA256PasswordHasher"


@pytest.mark.django_db
def test_a_registered_password_is_stored_as_a_bcrypt_hash(client, settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    client.post(
        "/accounts/register/",
        {
            "username": "bob",
            "email": "bob@example.com",
            "password1": "plum-orchard-77",
            "password2": "plum-orchard-77",
        },
    )
    stored = get_user_model().objects.get(username="bob").password
    assert stored.startswith("bcrypt_sha256$$2b$")
    assert "plum-orchard-77" not in stored


def test_an_unknown_username_costs_the_same_hashing_as_a_wrong_password(client, user, counting_bcrypt):
    client.post("/accounts/login/", {"username": "alice", "password": "wrong-password"})
    hashes_for_wrong_password = counting_bcrypt.hashes_computed
    counting_bcrypt.hashes_computed = 0

    client.post("/accounts/login/", {"username": "nobody-by-this-name", "password": "wrong-password"})

    assert hashes_for_wrong_password == 1
    assert counting_bcrypt.hashes_computed == hashes_for_wrong_password
