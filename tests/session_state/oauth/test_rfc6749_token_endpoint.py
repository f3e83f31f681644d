"""
RFC 6749's token endpoint as a standard client meets it: form-encoded
requests (§3.2, §4.3.2, §6), §5.2's error bodies for every 4xx, answers
never stored (§5.1), and a refresh token bound to its client (§6).
"""

import base64
from urllib.parse import urlencode

import jwt
import pytest

from ops.redis_cluster import primaries

TOKEN = "/api/v1/auth/token"
FORM = "application/x-www-form-urlencoded"


def stored_keys(redis_client) -> set:
    """Every key in Redis but the API's request counts, which every request adds to (api.ratelimits)."""
    return {
        key
        for primary in primaries(redis_client)
        for key in primary.keys("*")
        if not (key.decode() if isinstance(key, bytes) else key).startswith("shop:1:rl:")
    }


def test_a_form_encoded_password_grant_gives_a_token_pair(form, client, user, password):
    response = form(
        client, grant_type="password", username="alice", password=password, client_id="shop-mobile"
    )

    assert response.status_code == 200
    assert set(response.json()) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert response.json()["token_type"] == "Bearer"


def test_every_answer_is_never_stored(form, client, user, password):
    good = form(client, grant_type="password", username="alice", password=password)
    bad = form(client, grant_type="password", username="alice", password="wrong")

    for response in (good, bad):
        assert (response["Cache-Control"], response["Pragma"]) == ("no-store", "no-cache")


def test_a_form_encoded_refresh_grant_rotates_the_refresh_token(form, client, user, password):
    pair = form(client, grant_type="password", username="alice", password=password).json()

    response = form(
        client, grant_type="refresh_token", refresh_token=pair["refresh_token"], client_id="shop-mobile"
    )

    assert response.status_code == 200
    assert response.json()["refresh_token"] != pair["refresh_token"]


def test_the_refresh_path_takes_the_grant_too(form, client, user, password):
    pair = form(client, grant_type="password", username="alice", password=password).json()

    response = form(
        client, "/api/v1/auth/refresh", grant_type="refresh_token", refresh_token=pair["refresh_token"]
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("parameters", "error"),
    [
        ({}, "invalid_request"),
        ({"grant_type": "client_credentials"}, "unsupported_grant_type"),
        ({"grant_type": "password", "username": "alice"}, "invalid_request"),
        ({"grant_type": "refresh_token"}, "invalid_request"),
        ({"grant_type": "refresh_token", "refresh_token": "made-up"}, "invalid_grant"),
        (
            {"grant_type": "password", "username": "alice", "password": "x", "client_id": "nobody"},
            "invalid_client",
        ),
    ],
)
def test_a_bad_token_request_gets_an_oauth_error_and_changes_nothing(
    form, client, user, redis_client, parameters, error
):
    keys_before = stored_keys(redis_client)

    response = form(client, **parameters)

    assert response.status_code in (400, 401)
    assert response.json()["error"] == error
    assert stored_keys(redis_client) == keys_before


def test_a_repeated_parameter_is_invalid_request(client, user, password):
    response = client.post(
        TOKEN,
        "grant_type=password&username=alice&username=mallory&password=x",
        content_type="application/x-www-form-urlencoded",
    )

    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_a_body_neither_form_nor_json_is_invalid_request(client, user, password):
    response = client.post(TOKEN, "grant_type=password", content_type="text/plain")

    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_the_password_grant_is_the_shops_own_apps_only(form, client, user, password, third_party):
    response = form(
        client, grant_type="password", username="alice", password=password, client_id="recipe-box"
    )

    assert (response.status_code, response.json()["error"]) == (400, "unauthorized_client")


def test_a_setting_turns_the_password_grant_off(form, client, user, password, settings):
    settings.OAUTH_PASSWORD_GRANT = False

    response = form(client, grant_type="password", username="alice", password=password)

    assert (response.status_code, response.json()["error"]) == (400, "unauthorized_client")


def test_the_lockouts_429_is_an_oauth_error_with_retry_after(form, client, user, password, settings):
    settings.LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS = 2
    for _attempt in range(2):
        form(client, grant_type="password", username="alice", password="wrong")

    response = form(client, grant_type="password", username="alice", password=password)

    assert response.status_code == 429
    assert response.json()["error"] == "invalid_grant"
    assert int(response["Retry-After"]) > 0


def test_a_refresh_token_presented_by_another_client_is_refused_and_stays_good(
    form, client, user, password, third_party
):
    pair = form(client, grant_type="password", username="alice", password=password).json()

    stolen = form(
        client, grant_type="refresh_token", refresh_token=pair["refresh_token"], client_id="recipe-box"
    )
    own = form(client, grant_type="refresh_token", refresh_token=pair["refresh_token"])

    assert (stolen.status_code, stolen.json()["error"]) == (400, "invalid_grant")
    assert own.status_code == 200


def test_a_json_body_without_grant_type_still_logs_in(client, user, password):
    response = client.post(
        TOKEN, {"username": "alice", "password": password}, content_type="application/json"
    )

    assert response.status_code == 200


def test_a_json_body_whose_values_are_not_strings_is_invalid_request(client, user):
    response = client.post(TOKEN, {"username": "alice", "password": 7}, content_type="application/json")

    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_tokens_name_their_client_and_the_sessions_page_shows_the_apps_name(
    form, client, logged_in_client, password
):
    pair = form(client, grant_type="password", username="alice", password=password).json()

    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    page = logged_in_client.get("/accounts/sessions/").content.decode()

    assert claims["client_id"] == "shop-mobile"
    assert "App: Hearth &amp; Home app" in page


def basic(client_id: str, secret: str = "") -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def test_a_client_named_by_http_basic_with_no_secret_is_taken(client, user, password, third_party):
    body = urlencode({"grant_type": "password", "username": "alice", "password": password})

    own = client.post(TOKEN, body, content_type=FORM, headers=basic("shop-mobile"))
    other = client.post(TOKEN, body, content_type=FORM, headers=basic("recipe-box"))

    assert own.status_code == 200
    assert (other.status_code, other.json()["error"]) == (400, "unauthorized_client")


def test_a_client_secret_is_refused_since_no_client_has_one(client, user, password):
    body = urlencode({"grant_type": "password", "username": "alice", "password": password})

    response = client.post(TOKEN, body, content_type=FORM, headers=basic("shop-mobile", "guessed"))

    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")
    assert response["WWW-Authenticate"].startswith("Basic")


def test_every_oauth_error_says_what_is_wrong(form, client, db):
    response = form(client, grant_type="client_credentials")

    assert response.json()["error"] == "unsupported_grant_type"
    assert response.json()["error_description"]


def test_a_parameter_whose_name_an_error_description_cannot_hold_is_refused_not_a_server_error(client, db):
    body = urlencode({"token": "x", 'na"me\\': "\x00"})

    response = client.post("/api/v1/auth/revoke", body, content_type=FORM)

    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
