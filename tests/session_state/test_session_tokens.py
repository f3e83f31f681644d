import math
import secrets

from django.conf import settings
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils import crypto

from session_state import keys
from session_state.store import SessionStore

SESSION_COOKIE = settings.SESSION_COOKIE_NAME


def test_session_keys_carry_at_least_64_bits_of_randomness(db):
    made = set()
    for _n in range(200):
        store = SessionStore()
        store.create()
        made.add(store.session_key)

    # The secret alone, not counting the owner's tag (which is not secret).
    secret_bits = keys.SECRET_LENGTH * math.log2(len(VALID_KEY_CHARS))
    assert secret_bits >= 128
    assert len({keys.session(key) for key in made}) == 200
    assert all(len(key) == keys.SESSION_ID_LENGTH and set(key) <= set(VALID_KEY_CHARS) for key in made)


def test_session_keys_come_from_the_operating_systems_secure_random_generator(db, monkeypatch):
    drawn = []

    def recording_choice(sequence):
        drawn.append(sequence)
        return real_choice(sequence)

    real_choice = secrets.choice
    monkeypatch.setattr(secrets, "choice", recording_choice)
    store = SessionStore()
    store.create()

    # Every random character of the key, tag and secret, was drawn by
    # secrets.choice (os.urandom).
    assert keys.get_random_string is crypto.get_random_string
    assert len(drawn) == keys.TAG_LENGTH + keys.SECRET_LENGTH


def test_a_session_key_in_the_url_is_ignored(logged_in_client):
    session_id = logged_in_client.cookies[SESSION_COOKIE].value
    logged_in_client.cookies.clear()

    response = logged_in_client.get(
        f"/accounts/profile/?{SESSION_COOKIE}={session_id}&sessionid={session_id}"
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
