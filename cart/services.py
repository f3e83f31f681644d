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

    def add_line(self, *, product_id: int, quantity: int, line_cap: int, max_lines: int) -> tuple[int, int]: ...


def add_to_cart(*, cart: LineAdder, product: Product, quantity: int) -> None:
    """Add units of a product to its line."""
    _change_line(cart.add_line, product=product, quantity=quantity, adding=True)


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


def _change_line(change, *, product: Product, quantity: int, adding: bool) -> None:
    if not 1 <= quantity <= MAX_QUANTITY_PER_LINE:
        raise ValidationError(
            f"Please choose a quantity from 1 to {MAX_QUANTITY_PER_LINE}.", code="quantity_out_of_range"
        )
    if not product.in_stock:
        raise ValidationError(f"Sorry, {product.name} is sold out.", code="sold_out")
    cap = min(MAX_QUANTITY_PER_LINE, product.stock)
    status, current = change(product_id=product.pk, quantity=quantity, line_cap=cap, max_lines=MAX_LINES)
    if status == LineAnswer.TOO_MANY_LINES:
        raise ValidationError(
            f"Your cart already has {MAX_LINES} different products, the most it can hold.", code="too_many_lines"
        )
    if status == LineAnswer.OVER_LINE_CAP:
        wanted = current + quantity if adding else quantity
        reason = f"only {product.stock} in stock" if cap == product.stock else f"at most {cap} per order"
        raise ValidationError(
            f"You can't have {wanted} of {product.name} in your cart ({reason}; you have {current}).",
            code="over_line_cap",
        )
