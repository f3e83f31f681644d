"""Changes to carts and orders. Each raises ValidationError for what a shopper must fix."""

import logging
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from redis.exceptions import RedisError

from shop.models import Product

from . import storage
from .identity import SessionCart, session_cart_lookup
from .models import Order, OrderLine
from .selectors import contents_digest
from .storage import CartRef

logger = logging.getLogger(__name__)

MAX_QUANTITY_PER_LINE = 99
MAX_LINES = 50


def add_to_cart(*, cart: CartRef | SessionCart, product: Product, quantity: int) -> None:
    """Add units of a product to its line."""
    _change_line(_add, cart=cart, product=product, quantity=quantity, adding=True)


def _add(*, cart: CartRef | SessionCart, **line) -> tuple[int, int]:
    """
    storage.add; for a SessionCart, in the same round trip as reading the
    session. Should Django then refuse the session the script read, the
    units go back out of the cart it found, and are added to the request's
    cart after all (that of a visitor without a valid session). Until then,
    for a moment, they are in a cart the request had no right to change.
    """
    if isinstance(cart, CartRef):
        return storage.add(cart=cart, **line)
    stored, found, status, now = storage.add_with_session(
        session_key=cart.session_redis_key, lookup=session_cart_lookup(), **line
    )
    mine = None
    try:
        mine = cart.settle(stored=stored)
    finally:
        # Also when Django could not check the session at all (the database
        # is down): the request fails, and its add must not stand.
        if found != mine and found is not None and status == storage.CHANGED:
            storage.take_back(cart=found, units={line["product_id"]: line["quantity"]})
    if found == mine:
        return status, now
    return storage.add(cart=mine, **line)


def set_quantity(*, cart: CartRef, product: Product, quantity: int) -> None:
    """Set a line's quantity (adding the line if the cart has none for the product)."""
    _change_line(storage.set_quantity, cart=cart, product=product, quantity=quantity, adding=False)


def remove_from_cart(*, cart: CartRef, product_id: int) -> None:
    storage.remove(cart=cart, product_id=product_id)


def clear_cart(*, cart: CartRef) -> None:
    storage.clear(cart=cart)


def merge_carts(*, source: CartRef, target: CartRef) -> dict[int, int]:
    """
    Merge the anonymous cart into the user's at login: quantities add, capped
    at the per-line maximum, and the anonymous cart is gone afterwards.

    Returns the units added per product id. Atomic in Redis, so two logins
    racing with the same anonymous cart add it once. Replace this function
    with the CART_MERGE_FUNCTION setting to merge differently (say, to keep
    only the newer cart).
    """
    return storage.merge(source=source, target=target, line_cap=MAX_QUANTITY_PER_LINE, max_lines=MAX_LINES)


def checkout_token(*, cart: CartRef) -> str:
    """The token that the checkout form carries: the same for one cart until it is ordered."""
    return storage.checkout_token(cart=cart, new_token=secrets.token_urlsafe(24))


def place_order(
    *, user, cart: CartRef, checkout_token: str, cart_digest: str, shipping: dict[str, str]
) -> Order:
    """
    Turn the cart into an order: one transaction writes the order and its
    lines at today's prices and takes the stock, or nothing happens.

    The same checkout token always gives the same order, however often it is
    submitted. cart_digest is the fingerprint of the cart the checkout page
    showed: if the cart has changed since (another tab), nothing is ordered.
    The cart is emptied of what was ordered only after the order is committed.
    """
    existing = Order.objects.filter(user=user, checkout_token=checkout_token).first()
    if existing is not None:
        return existing

    # Read the cart before touching the database: if Redis is down, the
    # request fails here and nothing is written.
    ordered = storage.contents(cart=cart)
    problem = None
    if not ordered:
        problem = ValidationError("Your cart is empty.", code="empty")
    elif contents_digest(ordered) != cart_digest:
        problem = ValidationError(
            "Your cart changed since this page was opened. Please check it below and place the order again.",
            code="cart_changed",
        )
    if problem is not None:
        # The same checkout, submitted twice at once, may have placed its
        # order and emptied the cart since the first look above.
        existing = Order.objects.filter(user=user, checkout_token=checkout_token).first()
        if existing is not None:
            return existing
        raise problem

    try:
        with transaction.atomic():
            order, created = _write_order(
                user=user, ordered=ordered, checkout_token=checkout_token, shipping=shipping
            )
    except IntegrityError:
        # The same checkout, submitted at the same moment, committed first.
        return Order.objects.get(user=user, checkout_token=checkout_token)
    if not created:
        return order

    try:
        storage.remove_ordered(cart=cart, ordered=ordered)
    except RedisError:
        # The order stands. The cart is emptied on the next visit to the
        # checkout (finish_interrupted_checkout).
        logger.warning("Order %s placed, but its cart could not be emptied now", order.pk)
    return order


def finish_interrupted_checkout(*, user, cart: CartRef, checkout_token: str) -> Order | None:
    """If the cart's token already placed an order, empty the cart of it and return the order."""
    order = Order.objects.filter(user=user, checkout_token=checkout_token).prefetch_related("lines").first()
    if order is not None:
        storage.remove_ordered(
            cart=cart, ordered={line.product_id: line.quantity for line in order.lines.all() if line.product_id}
        )
    return order


def _write_order(
    *, user, ordered: dict[int, int], checkout_token: str, shipping: dict[str, str]
) -> tuple[Order, bool]:
    # Locked in a fixed order, so that two checkouts never wait on each other
    # crosswise. (SQLite runs IMMEDIATE transactions one at a time instead.)
    products = list(Product.objects.select_for_update().filter(pk__in=ordered).order_by("pk"))
    # Asked again under the locks: the same checkout submitted twice at once
    # waits here for the first, and must then find its order, not the stock
    # that order took ("sold out").
    existing = Order.objects.filter(user=user, checkout_token=checkout_token).first()
    if existing is not None:
        return existing, False
    if len(products) != len(ordered):
        raise ValidationError("Something in your cart is no longer sold. Please review your cart.", code="gone")
    short = [product for product in products if product.stock < ordered[product.pk]]
    if short:
        raise ValidationError([_sold_out_message(product) for product in short], code="sold_out")

    order = Order.objects.create(
        user=user,
        checkout_token=checkout_token,
        total=sum((product.price * ordered[product.pk] for product in products), Decimal("0.00")),
        **shipping,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product=product,
            product_name=product.name,
            unit_price=product.price,
            quantity=ordered[product.pk],
        )
        for product in products
    )
    for product in products:
        product.stock -= ordered[product.pk]
    Product.objects.bulk_update(products, ["stock"])
    return order, True


def _sold_out_message(product: Product) -> str:
    if product.stock == 0:
        return f"Sorry, {product.name} has just sold out."
    return f"Sorry, only {product.stock} of {product.name} are left. Please change the quantity in your cart."


def _change_line(change, *, cart: CartRef, product: Product, quantity: int, adding: bool) -> None:
    if not 1 <= quantity <= MAX_QUANTITY_PER_LINE:
        raise ValidationError(
            f"Please choose a quantity from 1 to {MAX_QUANTITY_PER_LINE}.", code="quantity_out_of_range"
        )
    if not product.in_stock:
        raise ValidationError(f"Sorry, {product.name} is sold out.", code="sold_out")
    cap = min(MAX_QUANTITY_PER_LINE, product.stock)
    status, current = change(cart=cart, product_id=product.pk, quantity=quantity, line_cap=cap, max_lines=MAX_LINES)
    if status == storage.TOO_MANY_LINES:
        raise ValidationError(
            f"Your cart already has {MAX_LINES} different products, the most it can hold.", code="too_many_lines"
        )
    if status == storage.OVER_LINE_CAP:
        wanted = current + quantity if adding else quantity
        reason = f"only {product.stock} in stock" if cap == product.stock else f"at most {cap} per order"
        raise ValidationError(
            f"You can't have {wanted} of {product.name} in your cart ({reason}; you have {current}).",
            code="over_line_cap",
        )
