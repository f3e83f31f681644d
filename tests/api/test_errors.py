"""
Every error under /api/ is an RFC 9457 problem (application/problem+json),
never HTML, never a stack trace; the token endpoints' OAuth errors keep
RFC 6749's shape.
"""

import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.test import Client, RequestFactory
from django.utils.html import escape

from api import problems
from api.middleware import ApiResponsesMiddleware
from tests.waiting import within

from .requests import get, post

PROBLEM = "application/problem+json"
SHIPPING = {"full_name": "Alice", "address": "1 Lane", "city": "Leeds", "postal_code": "LS1", "country": "UK"}


def media_type(response) -> str:
    return response["Content-Type"].split(";")[0]


def is_problem(response, code: str) -> bool:
    """Whether the response is the problem `code`, with every member RFC 9457 §3.1 names, its status the response's."""
    body = json.loads(response.content)
    return bool(
        media_type(response) == PROBLEM
        and body["code"] == code
        and body["status"] == response.status_code
        and body["type"] == f"{settings.SHOP_PUBLIC_URL}/problems/{code}"
        and body["title"] == problems.KINDS[code].title
        and isinstance(body["detail"], str)
        and body["detail"]
    )


def raising(error):
    def raise_it(**kwargs):
        raise error

    return raise_it


@pytest.fixture
def token(tokens):
    return tokens["access_token"]


def test_an_unknown_path_is_a_not_found_problem(client):
    for path in ("/api/v1/nowhere", "/api/nowhere", "/api/"):
        response = client.get(path)
        assert (response.status_code, is_problem(response, "not_found")) == (404, True), path


def test_a_post_to_an_unknown_api_path_is_a_not_found_problem_not_a_csrf_page(user, password):
    checked = Client(enforce_csrf_checks=True)

    response = checked.post("/api/v1/auth/token/", {"username": "alice"}, content_type="application/json")

    assert (response.status_code, is_problem(response, "not_found")) == (404, True)


def test_an_unknown_product_is_a_not_found_problem(client, db):
    response = get(client, "products/999999")

    assert (response.status_code, is_problem(response, "not_found")) == (404, True)


def test_a_method_not_allowed_is_a_problem_and_says_which_are(client, bearer):
    response = client.delete("/api/v1/me", headers=bearer)

    assert (response.status_code, is_problem(response, "method_not_allowed"), response["Allow"]) == (
        405,
        True,
        "GET",
    )


def test_a_form_encoded_body_is_a_415_problem(client, token, mug):
    response = client.post(
        "/api/v1/cart/items", {"product": mug.pk, "quantity": 1}, headers={"Authorization": f"Bearer {token}"}
    )

    assert (response.status_code, is_problem(response, "unsupported_media_type")) == (415, True)


def test_a_malformed_json_body_is_a_400_problem(client, token):
    response = client.post(
        "/api/v1/cart/items",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert (response.status_code, is_problem(response, "malformed_body")) == (400, True)


def test_a_form_body_in_another_charset_is_a_400_problem(client):
    response = client.post(
        "/api/v1/cart/items",
        "product=al%E9",
        content_type="application/x-www-form-urlencoded; charset=latin-1",
    )

    assert (response.status_code, is_problem(response, "bad_request")) == (400, True)


def test_wrong_fields_are_a_400_problem_listing_each_in_errors(client, token):
    response = post(client, "cart/items", {"product": "seven"}, token=token)

    assert (response.status_code, is_problem(response, "invalid_fields")) == (400, True)
    assert [(error["loc"][-1], error["type"]) for error in response.json()["errors"]] == [
        ("product", "int_type"),
        ("quantity", "missing"),
    ]


def test_the_detail_of_wrong_fields_is_a_sentence_naming_them(client, token):
    response = post(client, "cart/items", {"product": "seven"}, token=token)

    assert response.json()["detail"] == "These fields are missing or wrong: product, quantity."


def test_a_field_error_never_echoes_what_was_sent(client, token):
    response = post(client, "cart/items", {"product": "my-secret-value", "quantity": 1}, token=token)

    assert response.status_code == 400
    assert "my-secret-value" not in response.content.decode()
    assert {key for error in response.json()["errors"] for key in error} == {"loc", "msg", "type"}


def test_no_token_is_a_401_problem_with_a_bearer_challenge(client):
    response = get(client, "cart")

    assert (
        response.status_code,
        is_problem(response, "not_authenticated"),
        response["WWW-Authenticate"],
    ) == (
        401,
        True,
        "Bearer",
    )
    assert "Authorization: Bearer" in response.json()["detail"]


def test_a_bad_token_is_a_401_problem_with_an_invalid_token_challenge(client, db):
    response = get(client, "cart", token="not-a-token")

    assert (response.status_code, is_problem(response, "invalid_token")) == (401, True)
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_a_refusal_of_the_shops_is_a_409_problem_with_the_services_code_and_message(client, token, board):
    response = post(client, "cart/items", {"product": board.pk, "quantity": 4}, token=token)

    assert (response.status_code, is_problem(response, "over_line_cap")) == (409, True)
    assert "only 3 in stock" in response.json()["detail"]


def test_a_refusal_with_several_messages_keeps_their_code(client, token, monkeypatch):
    refusal = ValidationError(
        [ValidationError("A is sold out.", code="sold_out"), ValidationError("B too.", code="sold_out")]
    )
    monkeypatch.setattr("api.endpoints.shop.order_services.place_order_once", raising(refusal))

    response = post(
        client, "checkout", {"shipping": SHIPPING}, token=token, **{"Idempotency-Key": "checkout-0001"}
    )

    assert (response.status_code, is_problem(response, "sold_out")) == (409, True)


def test_a_422_refusal_is_a_problem(client, token, monkeypatch):
    refusal = ValidationError("This key was used for another checkout.", code="idempotency_key_reused")
    monkeypatch.setattr("api.endpoints.shop.order_services.place_order_once", raising(refusal))

    response = post(
        client, "checkout", {"shipping": SHIPPING}, token=token, **{"Idempotency-Key": "checkout-0001"}
    )

    assert (response.status_code, is_problem(response, "idempotency_key_reused")) == (422, True)


def test_a_refusal_with_an_undocumented_code_is_an_about_blank_409_that_keeps_the_code(
    client, token, monkeypatch
):
    refusal = ValidationError("Something new is in the way.", code="brand_new")
    monkeypatch.setattr("api.endpoints.shop.order_services.place_order_once", raising(refusal))

    response = post(
        client, "checkout", {"shipping": SHIPPING}, token=token, **{"Idempotency-Key": "checkout-0001"}
    )

    assert (response.status_code, media_type(response)) == (409, PROBLEM)
    assert response.json() == {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": "Something new is in the way.",
        "code": "brand_new",
    }


def test_an_unexpected_error_is_a_500_problem_without_a_trace(client, db, monkeypatch):
    monkeypatch.setattr("api.endpoints.shop.catalog_page", raising(RuntimeError("the secret internals")))

    response = get(client, "products")

    assert (response.status_code, is_problem(response, "server_error")) == (500, True)
    assert "secret internals" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_redis_down_is_a_503_problem_with_retry_after(client, token, redis_down):
    response = get(client, "cart", token=token)

    assert (response.status_code, is_problem(response, "unavailable"), response["Retry-After"]) == (
        503,
        True,
        "5",
    )


def test_a_worker_that_has_not_heard_from_redis_answers_503_then_serves_again(
    client, tokens, stalled_redis, settings
):
    settings.API_REVOCATION_STALE_AFTER = 2
    assert get(client, "me", token=tokens["access_token"]).status_code == 200

    with stalled_redis(wake_after=5):
        during = within(4, lambda: get(client, "me", token=tokens["access_token"]).status_code == 503)

    assert during is not None
    assert within(5, lambda: get(client, "me", token=tokens["access_token"]).status_code == 200) is not None


# Errors made outside the API's handlers, as the middleware gets them.


def through_the_middleware(response, path="/api/v1/cart"):
    return ApiResponsesMiddleware(lambda request: response)(RequestFactory().get(path))


def test_an_html_error_is_made_a_problem_keeping_its_status_and_headers():
    html = HttpResponse("<h1>Service Unavailable</h1>", status=503, content_type="text/html")
    html["Retry-After"] = "5"

    response = through_the_middleware(html)

    assert (response.status_code, is_problem(response, "unavailable"), response["Retry-After"]) == (
        503,
        True,
        "5",
    )


def test_a_json_error_an_endpoint_answers_itself_is_made_a_problem_keeping_its_code_and_detail():
    answered = JsonResponse({"detail": "Too many failed logins.", "code": "too_many_attempts"}, status=429)
    answered["Retry-After"] = "60"

    response = through_the_middleware(answered)

    assert (response.status_code, is_problem(response, "too_many_attempts"), response["Retry-After"]) == (
        429,
        True,
        "60",
    )
    assert json.loads(response.content)["detail"] == "Too many failed logins."


def test_an_oauth_error_keeps_the_shape_rfc_6749_gives_it():
    oauth = {"error": "invalid_grant", "error_description": "Wrong username or password."}

    response = through_the_middleware(JsonResponse(oauth, status=400), path="/api/v1/auth/token")

    assert (media_type(response), json.loads(response.content)) == ("application/json", oauth)


def test_an_error_outside_the_api_is_left_alone():
    page = HttpResponse("<h1>Not found</h1>", status=404, content_type="text/html")

    assert through_the_middleware(page, path="/cart/nowhere") is page


# The pages the type URIs name (RFC 9457 §3.1.1).


def test_every_documented_type_uri_names_a_page_about_it(client, db):
    for code, kind in problems.KINDS.items():
        response = client.get(f"/problems/{code}")
        assert (response.status_code, escape(kind.title) in response.content.decode()) == (200, True), code


def test_an_undocumented_type_has_no_page(client, db):
    assert client.get("/problems/brand_new").status_code == 404


def test_a_checkout_short_of_stock_is_a_sold_out_problem(client, token, mug):
    post(client, "cart/items", {"product": mug.pk, "quantity": 2}, token=token)
    mug.stock = 1
    mug.save()

    response = post(
        client, "checkout", {"shipping": SHIPPING}, token=token, **{"Idempotency-Key": "checkout-0002"}
    )

    assert (response.status_code, is_problem(response, "sold_out")) == (409, True)
