"""The API's OpenAPI schema: every endpoint, and every error it can answer."""

import pytest

OPERATIONS = {
    ("post", "/api/v1/auth/token"), ("post", "/api/v1/auth/refresh"), ("post", "/api/v1/auth/revoke"),
    ("post", "/api/v1/auth/logout"), ("post", "/api/v1/auth/logout-all"), ("get", "/api/v1/me"),
    ("get", "/api/v1/products"), ("get", "/api/v1/products/{product_id}"), ("get", "/api/v1/cart"),
    ("post", "/api/v1/cart/items"), ("put", "/api/v1/cart/items/{product_id}"),
    ("delete", "/api/v1/cart/items/{product_id}"), ("post", "/api/v1/checkout"), ("get", "/api/v1/orders"),
    ("get", "/api/v1/orders/{order_id}"), ("get", "/api/v1/account/address"), ("put", "/api/v1/account/address"),
}  # fmt: skip
OAUTH = {("post", "/api/v1/auth/token"), ("post", "/api/v1/auth/refresh"), ("post", "/api/v1/auth/revoke")}
PUBLIC = {*OAUTH, ("get", "/api/v1/products"), ("get", "/api/v1/products/{product_id}")}


@pytest.fixture
def schema(client):
    return client.get("/api/v1/openapi.json").json()


def operations(schema):
    return {
        (method, path): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def test_the_schema_is_openapi_3_1_with_every_endpoint(schema):
    assert schema["openapi"].startswith("3.1")
    assert set(operations(schema)) == OPERATIONS


def test_every_operation_but_the_public_ones_needs_a_bearer_token_and_declares_401(schema):
    for name, operation in operations(schema).items():
        assert ("security" in operation) == (name not in PUBLIC), name
        # The OAuth endpoints' 401 is RFC 6749 section 5.2's invalid_client, for a client secret sent by Basic.
        assert ("401" in operation["responses"]) == (name not in PUBLIC or name in OAUTH), name


def test_every_operation_declares_503_and_every_one_with_input_400(schema):
    for name, operation in operations(schema).items():
        assert "503" in operation["responses"], name
        if operation.get("parameters") or operation.get("requestBody"):
            assert "400" in operation["responses"], name


def test_every_operation_with_a_json_body_declares_415(schema):
    # The OAuth endpoints take a form too, and say what is wrong as RFC 6749 section 5.2 does.
    with_body = [
        name
        for name, operation in operations(schema).items()
        if "requestBody" in operation and name not in OAUTH
    ]

    assert with_body and all("415" in operations(schema)[name]["responses"] for name in with_body)


def test_the_token_endpoint_declares_invalid_grant_and_429(schema):
    token = operations(schema)[("post", "/api/v1/auth/token")]["responses"]

    assert {"200", "400", "429"} <= set(token)
    assert "OAuthError" in str(token["400"])


def errors_of(schema):
    return [
        (name, status, answer)
        for name, operation in operations(schema).items()
        for status, answer in operation["responses"].items()
        if int(status) >= 400
    ]


def test_every_error_answer_is_a_problem_under_its_media_type(schema):
    for name, status, answer in errors_of(schema):
        if "application/json" in answer["content"]:
            continue  # an OAuth endpoint's own (the next test)
        assert answer["content"]["application/problem+json"] == {
            "schema": {"$ref": "#/components/schemas/Problem"}
        }, (
            name,
            status,
        )


def test_only_the_token_endpoints_oauth_errors_are_plain_json(schema):
    plain = {
        (name, status)
        for name, status, answer in errors_of(schema)
        if "application/json" in answer["content"]
    }

    assert plain == {((method, path), status) for method, path in OAUTH for status in ("400", "401", "429")}
    assert all(
        operations(schema)[name]["responses"][status]["content"]["application/json"]["schema"]["$ref"]
        == "#/components/schemas/OAuthError"
        for name, status in plain
    )


def test_the_problem_schema_requires_rfc_9457s_members_and_the_code(schema):
    problem = schema["components"]["schemas"]["Problem"]

    assert problem["required"] == ["type", "title", "status", "detail", "code"]
    assert problem["properties"]["errors"]["items"]["required"] == ["loc", "msg", "type"]


@pytest.mark.parametrize(
    ("status", "header"), [("401", "WWW-Authenticate"), ("429", "Retry-After"), ("503", "Retry-After")]
)
def test_an_error_that_carries_a_header_declares_it(schema, status, header):
    answers = [answer for _name, code, answer in errors_of(schema) if code == status]

    assert answers and all(
        answer["headers"] == {header: {"$ref": f"#/components/headers/{header}"}} for answer in answers
    )
    assert schema["components"]["headers"][header]["required"] is True


def test_no_schema_is_left_that_no_answer_names(schema):
    text = str({key: value for key, value in schema.items() if key != "components"}) + str(
        schema["components"]["schemas"]
    )

    assert [
        name for name in schema["components"]["schemas"] if f"#/components/schemas/{name}'" not in text
    ] == []


def test_checkout_requires_an_idempotency_key(schema):
    parameters = operations(schema)[("post", "/api/v1/checkout")]["parameters"]

    assert [(p["name"], p["in"], p["required"]) for p in parameters] == [("Idempotency-Key", "header", True)]


def test_an_add_to_the_cart_takes_an_idempotency_key_but_needs_none(schema):
    parameters = operations(schema)[("post", "/api/v1/cart/items")]["parameters"]

    assert [(p["name"], p["in"], p["required"]) for p in parameters] == [("Idempotency-Key", "header", False)]


def test_the_operations_that_take_an_idempotency_key_and_only_they_declare_422(schema):
    declaring = {name for name, operation in operations(schema).items() if "422" in operation["responses"]}

    assert declaring == {("post", "/api/v1/checkout"), ("post", "/api/v1/cart/items")}


def test_an_add_to_the_cart_declares_200_for_an_add_sent_again(schema):
    assert {"200", "201"} <= set(operations(schema)[("post", "/api/v1/cart/items")]["responses"])


def test_the_docs_page_is_served_by_the_shop_from_its_own_static_files(client):
    page = client.get("/api/v1/docs").content.decode()

    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "<script>" not in page


def test_every_operation_declares_429_for_the_rate_limit(schema):
    undeclared = [
        name for name, operation in operations(schema).items() if "429" not in operation["responses"]
    ]

    assert undeclared == []


def test_the_oauth_endpoints_declare_their_429_as_an_oauth_error_only(schema):
    for name in OAUTH:
        answer = str(operations(schema)[name]["responses"]["429"])
        assert "OAuthError" in answer and "detail" not in answer, name
