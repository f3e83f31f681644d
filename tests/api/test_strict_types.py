"""
An integer is an integer: in a JSON body, "2", true and 1.0 are not (a
400 naming the field, and nothing changes); in a query string or a path,
which are text, "2" is, but "1.0" and "true" are not. The schema still
says integer.
"""

import pytest

from .requests import delete, get, post, put

NOT_INTEGERS_IN_JSON = ["2", True, 1.0]
NOT_INTEGERS_IN_TEXT = ["1.0", "true", "+1", "%201", "1_0", "0x1"]


@pytest.fixture
def token(tokens):
    return tokens["access_token"]


def field_errors(response) -> set[str]:
    assert response.status_code == 400, response.content
    return {error["loc"][-1] for error in response.json()["errors"]}


@pytest.mark.parametrize("quantity", NOT_INTEGERS_IN_JSON)
def test_an_added_quantity_that_is_no_json_integer_is_a_bad_request_and_changes_nothing(
    client, token, mug, quantity
):
    response = post(client, "cart/items", {"product": mug.pk, "quantity": quantity}, token=token)

    assert field_errors(response) == {"quantity"}
    assert get(client, "cart", token=token).json()["units"] == 0


@pytest.mark.parametrize("sent_as", [str, bool, float], ids=["a string", "true", "a float"])
def test_an_added_product_that_is_no_json_integer_is_a_bad_request(client, token, mug, sent_as):
    response = post(client, "cart/items", {"product": sent_as(mug.pk), "quantity": 1}, token=token)

    assert field_errors(response) == {"product"}
    assert get(client, "cart", token=token).json()["units"] == 0


@pytest.mark.parametrize("quantity", NOT_INTEGERS_IN_JSON)
def test_a_set_quantity_that_is_no_json_integer_is_a_bad_request_and_changes_nothing(
    client, token, mug, quantity
):
    post(client, "cart/items", {"product": mug.pk, "quantity": 1}, token=token)

    response = put(client, f"cart/items/{mug.pk}", {"quantity": quantity}, token=token)

    assert field_errors(response) == {"quantity"}
    assert get(client, "cart", token=token).json()["units"] == 1


def test_a_limit_in_the_query_string_is_read_from_its_digits(client, mug, board):
    response = get(client, "products?limit=1")

    assert response.status_code == 200
    assert len(response.json()["items"]) == 1


@pytest.mark.parametrize("limit", NOT_INTEGERS_IN_TEXT)
def test_a_limit_that_is_not_the_digits_of_an_integer_is_a_bad_request(client, mug, limit):
    assert field_errors(get(client, f"products?limit={limit}")) == {"limit"}


def test_an_id_in_a_path_is_read_from_its_digits(client, mug):
    assert get(client, f"products/{mug.pk}").json()["name"] == "Camp mug"


@pytest.mark.parametrize("segment", ["1.0", "true", "+1", "1_0", "abc"])
def test_an_id_in_a_path_that_is_not_the_digits_of_an_integer_is_a_bad_request(client, token, mug, segment):
    assert field_errors(get(client, f"products/{segment}")) == {"product_id"}
    assert field_errors(put(client, f"cart/items/{segment}", {"quantity": 1}, token=token)) == {"product_id"}
    assert field_errors(delete(client, f"cart/items/{segment}", token=token)) == {"product_id"}
    assert field_errors(get(client, f"orders/{segment}", token=token)) == {"order_id"}


def test_a_negative_id_in_a_path_is_told_it_is_below_the_least(client):
    response = get(client, "products/-1")

    assert field_errors(response) == {"product_id"}
    assert response.json()["errors"][0]["type"] == "greater_than_equal"


def test_the_schema_still_says_integer_for_every_id_limit_and_quantity(client):
    schema = client.get("/api/v1/openapi.json").json()
    parameters = [
        (path, parameter["name"], parameter["schema"])
        for path, methods in schema["paths"].items()
        for operation in methods.values()
        for parameter in operation.get("parameters", [])
        if parameter["name"] in ("limit", "product_id", "order_id")
    ]
    bodies = [
        (name, field, spec)
        for name in ("CartLineIn", "QuantityIn")
        for field, spec in schema["components"]["schemas"][name]["properties"].items()
    ]

    assert len(parameters) == 6 and len(bodies) == 3
    assert [where for *where, spec in parameters + bodies if spec["type"] != "integer"] == []
