import pytest
from django.conf import settings
from django.test import Client

from session_state import keys

SESSION_COOKIE = settings.SESSION_COOKIE_NAME


@pytest.mark.parametrize(
    "value",
    [
        "",
        "x",
        "u" + "0" * (keys.SESSION_ID_LENGTH - 1) + "tampered",
        "u" + "0" * (keys.SESSION_ID_LENGTH - 2) + "'",
        "a" * 4000,
        "%00%ff<script>",
        "u" + "é" * (keys.SESSION_ID_LENGTH - 1),
        "shop:session:*",
    ],
)
def test_a_tampered_oversized_or_malformed_session_cookie_is_no_session_and_no_error(db, value, redis_client):
    client = Client(headers={"X-Real-IP": "203.0.113.50"})
    client.cookies[SESSION_COOKIE] = value

    home = client.get("/")
    profile = client.get("/accounts/profile/")

    assert home.status_code == 200
    assert profile.status_code == 302
    assert redis_client.keys("*session*") == []


def test_a_cookie_that_looks_right_but_names_no_session_is_anonymous(db):
    client = Client(headers={"X-Real-IP": "203.0.113.50"})
    client.cookies[SESSION_COOKIE] = "u" + "1" * 31

    assert client.get("/accounts/profile/").status_code == 302
