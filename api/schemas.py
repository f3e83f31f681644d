"""What the API's bodies look like: the OpenAPI schema is made from these."""

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

# Text a client sends may hold anything but NUL, which PostgreSQL cannot
# store or compare (a 500 there, not a 400, if it reached the database).
NO_NUL = r"^[^\x00]*$"
# Ids as the database keeps them (a larger one would overflow its integer).
MAX_ID = 2**31 - 1

# Integers, and where they come from.
#
# A JSON body has integers of its own: a body's "2" (a string), true or 1.0
# is a client's mistake, not a number to guess at, so the integers of a
# body are strict (Field(strict=True)): pydantic's lax mode would take all
# three as 2, 1 and 1.
#
# A query string or a path segment has no types: every value is text, so
# "2" must be read as 2 there (strict mode would refuse every value). But
# only the decimal digits of an integer, with an optional minus (so that
# -1 is told it is below the least, not that it is no number): lax mode
# would also take "1.0", " 2", "+2" and "2_000", none of which a client
# writes for an integer. TextInt is that; its schema is an integer's.
_INTEGER_TEXT = re.compile(r"-?[0-9]+")


def _integer_text(value):
    if isinstance(value, str):
        if _INTEGER_TEXT.fullmatch(value):
            return value  # pydantic reads the digits (and refuses one too long to read)
        raise PydanticCustomError(
            "int_parsing", "Input should be a valid integer, unable to parse string as an integer"
        )
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise PydanticCustomError("int_type", "Input should be a valid integer")


TextInt = Annotated[int, BeforeValidator(_integer_text)]


class TokenPair(Schema):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="Seconds the access token lives.")
    refresh_token: str


class OAuthError(Schema):
    """RFC 6749 §5.2."""

    error: str
    error_description: str


class Detail(Schema):
    detail: str
    code: str | None = None


class Ended(Schema):
    ended: int = Field(description="How many sessions and API logins ended.")


class Me(Schema):
    id: int
    username: str
    email: str


class Product(Schema):
    id: int
    name: str
    slug: str
    category: str = Field(alias="category.slug")
    description: str
    price: Decimal
    in_stock: bool
    stock: int


_NEXT_CURSOR = "Send as `cursor` (with the same filters) for the next page; null on the last page."


class ProductPage(Schema):
    items: list[Product]
    next_cursor: str | None = Field(description=_NEXT_CURSOR)


class CartLineIn(Schema):
    product: int = Field(ge=1, le=MAX_ID, strict=True)  # a body's: strict (see TextInt above)
    quantity: int = Field(ge=1, le=99, strict=True)


class QuantityIn(Schema):
    quantity: int = Field(ge=1, le=99, strict=True)  # a body's: strict (see TextInt above)


class CartLine(Schema):
    product: Product
    quantity: int
    line_total: Decimal


class Cart(Schema):
    lines: list[CartLine]
    units: int
    subtotal: Decimal


class Shipping(Schema):
    full_name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    address: str = Field(min_length=1, max_length=300, pattern=NO_NUL)
    city: str = Field(min_length=1, max_length=100, pattern=NO_NUL)
    postal_code: str = Field(min_length=1, max_length=20, pattern=NO_NUL)
    country: str = Field(min_length=1, max_length=100, pattern=NO_NUL)


class CheckoutIn(Schema):
    shipping: Shipping | None = Field(None, description="Omitted: the address saved in the account.")


class OrderLine(Schema):
    product_id: int | None
    product_name: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal


class Order(Schema):
    id: int
    created_at: datetime
    total: Decimal
    full_name: str
    address: str
    city: str
    postal_code: str
    country: str
    lines: list[OrderLine]


class OrderPage(Schema):
    items: list[Order]
    next_cursor: str | None = Field(description=_NEXT_CURSOR)
