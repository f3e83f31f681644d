import math
import secrets

from django.conf import settings
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils import crypto

from accounts import sessions
from accounts.sessions import SessionStore

SESSION_COOKIE = settings.SESSION_COOKIE_NAME


def test_session_keys_carry_at_least_64_bits_of_randomness(db):
    keys = set()
    for _n in range(200):
        store = SessionStore()
        store.create()
        keys.add(store.session_key)

    random_part_bits = 31 * math.log2(len(VALID_KEY_CHARS))
    assert random_part_bits >= 64
    assert len(keys) == 200
    assert all(len(key) == 32 and set(key) <= set(VALID_KEY_CHARS) for key in keys)


def test_session_keys_come_from_the_operating_systems_secure_random_generator(db, monkeypatch):
    drawn = []

    def recording_choice(sequence):
        drawn.append(sequence)
        return real_choice(sequence)

    real_choice = secrets.choice
    monkeypatch.setattr(secrets, "choice", recording_choice)
    store = SessionStore()
    store.create()

    # Every random character of the key was drawn by secrets.choice (os.urandom).
    assert sessions.get_random_string is crypto.get_random_string
    assert len(drawn) == 31


def test_a_session_key_in_the_url_is_ignored(logged_in_client):
    session_id = logged_in_client.cookies[SESSION_COOKIE].value
    logged_in_client.cookies.clear()

    response = logged_in_client.get(f"/accounts/profile/?{SESSION_COOKIE}={session_id}&sessionid={session_id}")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
