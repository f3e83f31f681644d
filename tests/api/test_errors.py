"""Every answer under /api/ is JSON, errors included; never HTML, never a stack trace."""

from tests.waiting import within

from .requests import get, post


def test_an_unknown_path_is_a_json_404(client):
    for path in ("/api/v1/nowhere", "/api/nowhere", "/api/"):
        response = client.get(path)
        assert (response.status_code, response["Content-Type"].split(";")[0]) == (404, "application/json")


def test_a_method_not_allowed_is_json_and_says_which_are(client, bearer):
    response = client.delete("/api/v1/me", headers=bearer)

    assert (response.status_code, response["Content-Type"].split(";")[0], response["Allow"]) == (
        405,
        "application/json",
        "GET",
    )


def test_a_form_encoded_body_is_415_outside_the_oauth_endpoints(client, bearer):
    response = client.post("/api/v1/cart/items", {"product": 1, "quantity": 1}, headers=bearer)

    assert (response.status_code, response["Content-Type"].split(";")[0]) == (415, "application/json")


def test_a_malformed_json_body_is_400(client):
    response = client.post("/api/v1/auth/token", "{not json", content_type="application/json")

    assert (response.status_code, response["Content-Type"].split(";")[0]) == (400, "application/json")


def test_a_missing_or_wrong_field_is_400_naming_the_field(client, tokens):
    response = post(client, "cart/items", {"product": "a mug"}, token=tokens["access_token"])

    assert response.status_code == 400
    assert {tuple(error["loc"][-1:]) for error in response.json()["detail"]} == {("product",), ("quantity",)}


def test_no_token_is_401_with_a_bearer_challenge(client):
    response = get(client, "cart")

    assert (response.status_code, response["WWW-Authenticate"]) == (401, "Bearer")
    assert "Authorization: Bearer" in response.json()["detail"]


def test_redis_down_is_a_json_503(client, user, password, redis_down):
    response = post(client, "auth/token", {"username": "alice", "password": password})

    assert (response.status_code, response["Content-Type"].split(";")[0]) == (503, "application/json")
    assert (response.json()["code"], response["Retry-After"]) == ("unavailable", "5")


def test_a_worker_that_has_not_heard_from_redis_answers_503_then_serves_again(
    client, tokens, stalled_redis, settings
):
    settings.API_REVOCATION_STALE_AFTER = 2
    assert get(client, "me", token=tokens["access_token"]).status_code == 200

    with stalled_redis(wake_after=5):
        during = within(4, lambda: get(client, "me", token=tokens["access_token"]).status_code == 503)

    assert during is not None
    assert within(5, lambda: get(client, "me", token=tokens["access_token"]).status_code == 200) is not None


def test_a_post_to_an_unknown_api_path_is_a_json_404_not_a_csrf_page(user, password):
    from django.test import Client

    checked = Client(enforce_csrf_checks=True)

    response = checked.post("/api/v1/auth/token/", {"username": "alice"}, content_type="application/json")

    assert (response.status_code, response["Content-Type"].split(";")[0]) == (404, "application/json")


def test_a_form_body_in_another_charset_is_a_json_400(client):
    response = client.post(
        "/api/v1/auth/token", "username=al%E9", content_type="application/x-www-form-urlencoded; charset=latin-1"
    )

    assert (response.status_code, response["Content-Type"].split(";")[0]) == (400, "application/json")
