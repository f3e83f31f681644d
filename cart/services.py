"""Changes to carts. Each raises ValidationError for what a shopper must fix."""

import secrets
from typing import Protocol

from django.core.exceptions import ValidationError

from catalog.models import Product

from . import storage
from .storage import CartRef, LineAnswer

MAX_QUANTITY_PER_LINE = 99
MAX_LINES = 50


class LineAdder(Protocol):
    """A cart that can take an add: request.cart (cart.current.CurrentCart), or a storage.CartRef."""

    def add_line(
        self, *, product_id: int, quantity: int, line_cap: int, max_lines: int
    ) -> tuple[int, int]: ...


def add_to_cart(*, cart: LineAdder, product: Product, quantity: int) -> None:
    """Add units of a product to its line."""
    _change_line(cart.add_line, product=product, quantity=quantity, adding=True)


def add_to_cart_once(
    *, cart: CartRef, product: Product, quantity: int, idempotency_key: str | None, fingerprint: str
) -> bool:
    """
    The API's add: add_to_cart(), once per Idempotency-Key when the client
    sends one (made once per add, sent again with each retry of it). The
    key is bound to fingerprint, the request's, by the add that ran, for
    settings.IDEMPOTENCY_KEY_LIFETIME; the same request again adds nothing,
    another request with the key is refused (idempotency_key_reused) and
    changes nothing. A refused add (sold out, over the line's cap) binds
    nothing. Returns whether this call added.
    """
    if idempotency_key is None:
        add_to_cart(cart=cart, product=product, quantity=quantity)
        return True

    def change(**line):
        return storage.add(cart=cart, idempotency_key=idempotency_key, fingerprint=fingerprint, **line)

    # Not refused as sold out before Redis is asked: a retry of an add that
    # ran is answered as the add was, even once the product has sold out.
    status = _change_line(change, product=product, quantity=quantity, adding=True, ask_first=True)
    return status != LineAnswer.ADDED_BEFORE


def set_quantity(*, cart: CartRef, product: Product, quantity: int) -> None:
    """Set a line's quantity (adding the line if the cart has none for the product)."""

    def change(**line):
        return storage.set_quantity(cart=cart, **line)

    _change_line(change, product=product, quantity=quantity, adding=False)


def remove_from_cart(*, cart: CartRef, product_id: int) -> None:
    storage.remove(cart=cart, product_id=product_id)


def clear_cart(*, cart: CartRef) -> None:
    storage.clear(cart=cart)


def merge_carts(*, source: CartRef, target: CartRef) -> dict[int, int]:
    """
    Merge a visitor's cart into the user's at login: quantities add, capped
    at the per-line maximum, and the visitor's cart is gone afterwards.

    Returns the units added per product id. Two logins racing with the same
    visitor's cart add it once (storage.merge). Replace this function with
    the CART_MERGE_FUNCTION setting to merge differently (say, to keep only
    the newer cart).
    """
    return storage.merge(source=source, target=target, line_cap=MAX_QUANTITY_PER_LINE, max_lines=MAX_LINES)


def checkout_token(*, cart: CartRef) -> str:
    """The token a checkout form carries: the same for one cart until it is ordered (orders.services)."""
    return storage.checkout_token(cart=cart, new_token=secrets.token_urlsafe(24))


def remove_ordered(*, cart: CartRef, ordered: dict[int, int]) -> None:
    """Take what an order consumed out of the cart, and retire its checkout token."""
    storage.remove_ordered(cart=cart, ordered=ordered)


def idempotency_key_reused() -> ValidationError:
    """What a request is told whose Idempotency-Key is bound to another request (here, or orders.services)."""
    return ValidationError(
        "This Idempotency-Key was sent with another request. Make a new key for each request.",
        code="idempotency_key_reused",
    )


def _change_line(change, *, product: Product, quantity: int, adding: bool, ask_first: bool = False) -> int:
    """Make the change; returns its LineAnswer. ask_first: Redis decides a sold-out line too (its cap is 0)."""
    if not 1 <= quantity <= MAX_QUANTITY_PER_LINE:
        raise ValidationError(
            f"Please choose a quantity of {product.name} from 1 to {MAX_QUANTITY_PER_LINE}.",
            code="quantity_out_of_range",
        )
    sold_out = ValidationError(f"Sorry, {product.name} is sold out.", code="sold_out")
    if not product.in_stock and not ask_first:
        raise sold_out
    cap = min(MAX_QUANTITY_PER_LINE, product.stock)
    status, current = change(product_id=product.pk, quantity=quantity, line_cap=cap, max_lines=MAX_LINES)
    if status == LineAnswer.KEY_REUSED:
        raise idempotency_key_reused()
    if status in (LineAnswer.OVER_LINE_CAP, LineAnswer.TOO_MANY_LINES) and not product.in_stock:
        raise sold_out
    if status == LineAnswer.TOO_MANY_LINES:
        raise ValidationError(
            f"Your cart already has {MAX_LINES} different products, the most it can hold.",
            code="too_many_lines",
        )
    if status == LineAnswer.OVER_LINE_CAP:
        wanted = current + quantity if adding else quantity
        reason = f"only {product.stock} in stock" if cap == product.stock else f"at most {cap} per order"
        raise ValidationError(
            f"You can't have {wanted} of {product.name} in your cart ({reason}; you have {current}).",
            code="over_line_cap",
        )
    return status
