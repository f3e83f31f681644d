"""What the API's bodies look like: the OpenAPI schema is made from these."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

# Text a client sends may hold anything but NUL, which PostgreSQL cannot
# store or compare (a 500 there, not a 400, if it reached the database).
NO_NUL = r"^[^\x00]*$"
# Ids as the database keeps them (a larger one would overflow its integer).
MAX_ID = 2**31 - 1


class Credentials(Schema):
    username: str = Field(max_length=150, pattern=NO_NUL)
    password: str = Field(max_length=4096, pattern=NO_NUL)


class RefreshRequest(Schema):
    refresh_token: str = Field(max_length=200, pattern=NO_NUL)


class RevokeRequest(Schema):
    token: str = Field(max_length=4096, pattern=NO_NUL)
    # RFC 7009 §2.1 lets a client send it; the shop needs no hint (a refresh
    # token is never a JWT), so any value is accepted and none is used.
    token_type_hint: str | None = Field(None, max_length=100, pattern=NO_NUL, examples=["refresh_token"])


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


class FieldErrors(Schema):
    detail: list[dict]


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


class ProductPage(Schema):
    items: list[Product]
    count: int
    page: int
    pages: int


class CartLineIn(Schema):
    product: int = Field(ge=1, le=MAX_ID)
    quantity: int = Field(ge=1, le=99)


class QuantityIn(Schema):
    quantity: int = Field(ge=1, le=99)


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
