"""
The authorization code with PKCE (RFC 6749 §4.1, RFC 7636) through the
shop's own web login, and the attacks on it: a downgraded or missing
PKCE, a code replayed, another client's code, a redirect URI tampered
with or pointing elsewhere, a password that is too old.
"""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from ops.redis_cluster import primaries
from session_state.authorization_codes import find
from tests.waiting import within

AUTHORIZE = "/oauth/authorize"
APP_REDIRECT = "com.example.shop:/oauth2redirect"


def pkce() -> tuple[str, str]:
    """A verifier and its S256 challenge, as an app makes them."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(challenge: str, **changes) -> str:
    parameters = {
        "response_type": "code",
        "client_id": "shop-mobile",
        "redirect_uri": APP_REDIRECT,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": "state-from-the-app",
        **changes,
    }
    return (
        f"{AUTHORIZE}?{urlencode({name: value for name, value in parameters.items() if value is not None})}"
    )


def code_keys(redis_client) -> list:
    """The authorization codes Redis holds, on one Redis or every primary of a cluster."""
    return [key for primary in primaries(redis_client) for key in primary.keys("shop:authorization-code:*")]


def answer_of(response) -> dict:
    """What the app's redirect URI receives: the query's parameters."""
    assert response.status_code == 302, response.content
    return {name: values[0] for name, values in parse_qs(urlsplit(response["Location"]).query).items()}


@pytest.fixture
def code_and_verifier(logged_in_client):
    verifier, challenge = pkce()
    answer = answer_of(logged_in_client.get(authorize_url(challenge)))
    return answer["code"], verifier


def exchange(form, client, code, verifier, **changes):
    parameters = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": APP_REDIRECT,
        "client_id": "shop-mobile",
        "code_verifier": verifier,
        **changes,
    }
    return form(client, **{name: value for name, value in parameters.items() if value is not None})


def test_a_logged_in_browser_is_sent_back_to_the_app_with_a_code_and_its_state(logged_in_client):
    _verifier, challenge = pkce()

    response = logged_in_client.get(authorize_url(challenge))

    assert response["Location"].startswith(APP_REDIRECT + "?")
    assert answer_of(response)["state"] == "state-from-the-app"
    assert answer_of(response)["code"]


def test_a_loopback_redirect_uri_is_answered_on_the_port_the_app_named(logged_in_client):
    _verifier, challenge = pkce()

    response = logged_in_client.get(authorize_url(challenge, redirect_uri="http://127.0.0.1:53123/callback"))

    assert response["Location"].startswith("http://127.0.0.1:53123/callback?code=")


def test_a_logged_out_browser_is_sent_to_log_in_and_back(client, user, password):
    _verifier, challenge = pkce()
    url = authorize_url(challenge)

    to_login = client.get(url)
    logged_in = client.post(to_login["Location"], {"username": "alice", "password": password})
    back = client.get(logged_in["Location"])

    assert to_login["Location"].startswith("/accounts/login/?next=")
    assert logged_in["Location"] == url
    assert "code" in answer_of(back)


def test_the_code_gives_an_api_login_whose_auth_time_is_the_browsers_password(
    form, client, code_and_verifier, logged_in_client
):
    code, verifier = code_and_verifier

    response = exchange(form, client, code, verifier)

    assert response.status_code == 200, response.content
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {response.json()['access_token']}"})
    assert me.json()["username"] == "alice"


def test_a_code_presented_twice_fails_and_ends_the_login_made_from_it(form, client, code_and_verifier):
    code, verifier = code_and_verifier
    first = exchange(form, client, code, verifier).json()

    replay = exchange(form, client, code, verifier)

    assert (replay.status_code, replay.json()["error"]) == (400, "invalid_grant")
    bearer = {"Authorization": f"Bearer {first['access_token']}"}
    # Refused once the revocation reaches this worker's set (pub/sub; the bound is a second).
    assert within(1.0, lambda: client.get("/api/v1/me", headers=bearer).status_code == 401) is not None
    refreshed = form(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert refreshed.json()["error"] == "invalid_grant"


def test_a_code_without_its_verifier_is_refused_and_stays_unused(form, client, code_and_verifier):
    code, verifier = code_and_verifier

    missing = exchange(form, client, code, None)
    wrong = exchange(form, client, code, pkce()[0])

    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")
    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    assert exchange(form, client, code, verifier).status_code == 200


def test_a_code_of_another_client_is_refused(form, client, code_and_verifier, third_party):
    code, verifier = code_and_verifier

    response = exchange(form, client, code, verifier, client_id="recipe-box", redirect_uri=None)

    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")


def test_a_code_sent_with_another_redirect_uri_is_refused(form, client, code_and_verifier):
    code, verifier = code_and_verifier

    response = exchange(form, client, code, verifier, redirect_uri="http://127.0.0.1:9/callback")

    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")


def test_a_code_lives_at_most_sixty_seconds(code_and_verifier, redis_client):
    code, _verifier = code_and_verifier
    [key] = code_keys(redis_client)

    assert 0 < redis_client.ttl(key) <= 60
    assert code not in redis_client.get(key)  # a keyed hash of it, never the code
    assert find(code).client_id == "shop-mobile"


@pytest.mark.parametrize(
    "changes",
    [
        {"code_challenge_method": "plain"},  # a downgrade (RFC 7636 section 4.2)
        {"code_challenge_method": None},  # whose default is plain
        {"code_challenge": None, "code_challenge_method": None},  # no PKCE at all
    ],
)
def test_an_authorization_without_s256_pkce_is_refused_back_to_the_app(
    logged_in_client, redis_client, changes
):
    _verifier, challenge = pkce()

    response = logged_in_client.get(authorize_url(challenge, **changes))

    assert answer_of(response)["error"] == "invalid_request"
    assert answer_of(response)["state"] == "state-from-the-app"
    assert not code_keys(redis_client)


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example/callback",  # an open redirect through the shop
        "com.example.shop:/oauth2redirect/../steal",
        "http://127.0.0.1:53123/callback/../other",
        "http://localhost:53123/callback",
    ],
)
def test_an_unregistered_redirect_uri_is_never_redirected_to(logged_in_client, redirect_uri):
    _verifier, challenge = pkce()

    response = logged_in_client.get(authorize_url(challenge, redirect_uri=redirect_uri))

    assert response.status_code == 400
    assert "Location" not in response
    assert b"sign-in link doesn" in response.content


def test_an_unknown_client_is_answered_on_a_page_of_the_shop(logged_in_client):
    _verifier, challenge = pkce()

    response = logged_in_client.get(authorize_url(challenge, client_id="no-such-app"))

    assert (response.status_code, "Location" in response) == (400, False)


def test_another_companys_app_asks_for_consent_first(logged_in_client, third_party):
    _verifier, challenge = pkce()
    url = authorize_url(challenge, client_id="recipe-box", redirect_uri="https://recipes.example/callback")

    page = logged_in_client.get(url)
    allowed = logged_in_client.post(url, {"decision": "allow"})
    denied = logged_in_client.post(url, {"decision": "deny"})

    assert page.status_code == 200
    assert b"Recipe Box" in page.content
    assert "code" in answer_of(allowed)
    assert answer_of(denied)["error"] == "access_denied"


def test_prompt_login_asks_for_the_password_again_however_recent(form, client, logged_in_client, password):
    verifier, challenge = pkce()
    url = authorize_url(challenge, prompt="login")

    page = logged_in_client.get(url)
    answered = logged_in_client.post(url, {"reauth_password": password, "decision": "allow"})

    assert page.status_code == 200
    assert b'name="reauth_password"' in page.content
    assert exchange(form, client, answer_of(answered)["code"], verifier).status_code == 200


def test_max_age_asks_for_the_password_once_it_is_older(logged_in_client, password, settings):
    _verifier, challenge = pkce()
    session = logged_in_client.session
    session["_p"] = session["_p"] - 120  # typed two minutes ago
    session.save()

    fresh_enough = logged_in_client.get(authorize_url(challenge, max_age="600"))
    too_old = logged_in_client.get(authorize_url(challenge, max_age="60"))

    assert "code" in answer_of(fresh_enough)
    assert (too_old.status_code, b'name="reauth_password"' in too_old.content) == (200, True)


def test_a_wrong_password_at_prompt_login_gives_no_code(logged_in_client):
    _verifier, challenge = pkce()
    url = authorize_url(challenge, prompt="login")

    response = logged_in_client.post(url, {"reauth_password": "wrong", "decision": "allow"})

    assert response.status_code == 200
    assert "Location" not in response


def test_a_code_issued_before_a_password_change_gives_no_login(form, client, code_and_verifier, user):
    code, verifier = code_and_verifier
    user.set_password("a-new-password-set-elsewhere-7")
    user.save()

    response = exchange(form, client, code, verifier)

    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")


def form_action(response) -> str:
    return next(part for part in response["Content-Security-Policy"].split(";") if "form-action" in part)


def test_the_consent_pages_forms_may_reach_the_app_and_nowhere_else(logged_in_client, third_party):
    _verifier, challenge = pkce()
    url = authorize_url(challenge, client_id="recipe-box", redirect_uri="https://recipes.example/callback")

    page = logged_in_client.get(url)

    assert form_action(page).split() == ["form-action", "'self'", "https://recipes.example"]


def test_the_login_page_on_the_way_to_an_app_lets_its_form_reach_the_app(client, db):
    _verifier, challenge = pkce()

    to_app = client.get("/accounts/login/", {"next": authorize_url(challenge)})
    to_a_private_scheme = client.get(
        "/accounts/login/", {"next": authorize_url(challenge, redirect_uri="http://127.0.0.1:50000/callback")}
    )

    assert form_action(to_app).split() == ["form-action", "'self'", "com.example.shop:"]
    assert form_action(to_a_private_scheme).split() == ["form-action", "'self'", "http://127.0.0.1:50000"]


@pytest.mark.parametrize(
    "next_url",
    [
        "/cart/",
        "https://evil.example/",
        f"{AUTHORIZE}?client_id=shop-mobile&redirect_uri=https://evil.example/",
    ],
)
def test_the_login_page_lets_its_form_reach_nothing_else(client, db, next_url):
    response = client.get("/accounts/login/", {"next": next_url})

    assert form_action(response).split() == ["form-action", "'self'"]
