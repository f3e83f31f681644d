"""Reads of carts."""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from catalog.models import Product
from session_state import sessions

from . import storage
from .storage import CartRef


@dataclass(frozen=True)
class CartLine:
    product: Product
    quantity: int

    @property
    def line_total(self) -> Decimal:
        return self.product.price * self.quantity


@dataclass(frozen=True)
class CartView:
    lines: list[CartLine]
    # Names exactly these contents; the checkout form carries it, so that an
    # order is only ever placed for the cart the shopper last saw.
    digest: str = ""

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines), Decimal("0.00"))


def cart_view(*, cart: CartRef | None, contents: dict[int, int] | None = None) -> CartView:
    """
    The cart's lines with their products at today's prices, in the order of
    the catalog. contents: the cart's lines as read already (a page's, with
    its session: request.cart.contents); read here when not given.
    """
    if cart is None:
        return CartView(lines=[], digest=contents_digest({}))
    quantities = storage.contents(cart=cart) if contents is None else contents
    products = Product.objects.filter(pk__in=quantities).select_related("category")
    # A line whose product has since left the catalog is not shown.
    return CartView(
        lines=[CartLine(product=product, quantity=quantities[product.pk]) for product in products],
        digest=contents_digest(quantities),
    )


def contents(*, cart: CartRef) -> dict[int, int]:
    """Product id -> quantity, in one read."""
    return storage.contents(cart=cart)


def checkout_token(*, cart: CartRef) -> str | None:
    """The cart's checkout token as the server issued it (cart.services.checkout_token); None before one is."""
    return storage.current_checkout_token(cart=cart)


def contents_digest(quantities: dict[int, int]) -> str:
    """A short fingerprint of a cart's contents (product id -> quantity)."""
    canonical = ",".join(f"{product}:{quantity}" for product, quantity in sorted(quantities.items()))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def cart_of_user(*, user) -> CartRef:
    """A user's cart, the same whichever asks: a browser of theirs, or an API login (the API has no session)."""
    return storage.user_cart(sessions.tag_of_user(user))
