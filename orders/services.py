"""Orders: a cart turned into an order. Each raises ValidationError for what a shopper must fix."""

import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cart import selectors as cart_selectors
from cart import services as cart_services
from cart.storage import CartRef
from catalog.models import Product
from catalog.services import catalog_changed
from ops.redis_cluster import REDIS_FAILURES

from .models import Order, OrderLine

logger = logging.getLogger(__name__)


def place_order_once(
    *, user, cart: CartRef, idempotency_key: str, fingerprint: str, shipping: dict[str, str]
) -> tuple[Order, bool]:
    """
    The API's checkout: order the whole cart as it is now, once per
    idempotency key (the client makes one per checkout and sends it with
    every retry). Returns the order and whether this call placed it; the
    same key again returns the same order, however often and however close
    together it arrives.

    The key is bound to fingerprint, its request's (api.idempotency), by
    the order it placed: the same key with another request is refused
    (idempotency_key_reused), and orders nothing. The binding lasts
    settings.IDEMPOTENCY_KEY_LIFETIME; after that the key is free, and a
    checkout with it places a new order (the old one forgets the key). A
    checkout that placed nothing (an empty cart, sold out) binds nothing.

    The web's checkout (place_order) underneath: the cart's checkout token,
    the same for one cart until it is ordered, makes two retries racing
    each other place one order; the key finds it afterwards.
    """
    existing = _order_of_key(user=user, idempotency_key=idempotency_key)
    if existing is not None:
        return _answered_again(existing, fingerprint=fingerprint), False
    # A key kept past its lifetime is let go: the one order per key and user
    # that the database enforces is then this checkout's. Only past it: an
    # order a racing retry has just placed keeps its key.
    Order.objects.filter(user=user, idempotency_key=idempotency_key, created_at__lt=_kept_since()).update(
        idempotency_key="", idempotency_fingerprint=""
    )
    token = cart_services.checkout_token(cart=cart)
    digest = cart_selectors.contents_digest(cart_selectors.contents(cart=cart))
    try:
        order, created = place_order(
            user=user,
            cart=cart,
            checkout_token=token,
            cart_digest=digest,
            shipping=shipping,
            idempotency_key=idempotency_key,
            idempotency_fingerprint=fingerprint,
        )
    except (ValidationError, IntegrityError):
        # A retry of the same checkout that arrived while the first was
        # placing the order finds the cart empty, or its key taken.
        existing = _order_of_key(user=user, idempotency_key=idempotency_key)
        if existing is None:
            raise
        return _answered_again(existing, fingerprint=fingerprint), False
    if not created and order.idempotency_key == idempotency_key:
        # The cart's token found the order a racing request with this key placed.
        return _answered_again(order, fingerprint=fingerprint), False
    return order, created


def _kept_since():
    """Keys bound since then are still kept (settings.IDEMPOTENCY_KEY_LIFETIME)."""
    return timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_KEY_LIFETIME)


def _order_of_key(*, user, idempotency_key: str) -> Order | None:
    """The order the user's key placed within its lifetime, if any."""
    return Order.objects.filter(
        user=user, idempotency_key=idempotency_key, created_at__gte=_kept_since()
    ).first()


def _answered_again(order: Order, *, fingerprint: str) -> Order:
    """The order, for a request with its key: refused unless it is the request that placed it."""
    if order.idempotency_fingerprint and order.idempotency_fingerprint != fingerprint:
        raise cart_services.idempotency_key_reused()
    return order


def place_order(
    *,
    user,
    cart: CartRef,
    checkout_token: str,
    cart_digest: str,
    shipping: dict[str, str],
    idempotency_key: str = "",
    idempotency_fingerprint: str = "",
) -> tuple[Order, bool]:
    """
    Turn the cart into an order: one transaction writes the order and its
    lines at today's prices and takes the stock, or nothing happens.

    The same checkout token always gives the same order, however often it is
    submitted; a token is the server's, issued for this cart
    (cart.services.checkout_token), and any other (made up, another user's,
    one already used) orders nothing. cart_digest is the fingerprint of the
    cart the checkout page showed: if the cart has changed since (another
    tab), nothing is ordered. The cart is emptied of what was ordered only
    after the order is committed. Returns the order and whether this call
    placed it.
    """
    existing = Order.objects.filter(user=user, checkout_token=checkout_token).first()
    if existing is not None:
        return existing, False

    # Read the cart before touching the database: if Redis is down, the
    # request fails here and nothing is written.
    ordered = cart_selectors.contents(cart=cart)
    problem = None
    if checkout_token != cart_selectors.checkout_token(cart=cart):
        problem = ValidationError(
            "This checkout page is out of date. Please check your cart and place the order again.",
            code="stale_checkout",
        )
    elif not ordered:
        problem = ValidationError("Your cart is empty.", code="empty")
    elif cart_selectors.contents_digest(ordered) != cart_digest:
        problem = ValidationError(
            "Your cart changed since this page was opened. Please check it below and place the order again.",
            code="cart_changed",
        )
    if problem is not None:
        # The same checkout, submitted twice at once, may have placed its
        # order and emptied the cart since the first look above.
        existing = Order.objects.filter(user=user, checkout_token=checkout_token).first()
        if existing is not None:
            return existing, False
        raise problem

    try:
        with transaction.atomic():
            order, created = _write_order(
                user=user,
                ordered=ordered,
                checkout_token=checkout_token,
                shipping=shipping,
                idempotency_key=idempotency_key,
                idempotency_fingerprint=idempotency_fingerprint,
            )
    except IntegrityError:
        # The same checkout, submitted at the same moment, committed first.
        existing = Order.objects.filter(user=user, checkout_token=checkout_token).first()
        if existing is None:
            raise ValidationError("This checkout page is out of date.", code="stale_checkout") from None
        return existing, False
    if not created:
        return order, False

    try:
        cart_services.remove_ordered(cart=cart, ordered=ordered)
    except REDIS_FAILURES:
        # The order stands. The cart is emptied on the next visit to the
        # checkout (finish_interrupted_checkout).
        logger.warning("Order %s placed, but its cart could not be emptied now", order.pk)
    return order, True


def finish_interrupted_checkout(*, user, cart: CartRef, checkout_token: str) -> Order | None:
    """If the cart's token already placed an order, empty the cart of it and return the order."""
    order = Order.objects.filter(user=user, checkout_token=checkout_token).prefetch_related("lines").first()
    if order is not None:
        cart_services.remove_ordered(
            cart=cart,
            ordered={line.product_id: line.quantity for line in order.lines.all() if line.product_id},
        )
    return order


def _write_order(
    *,
    user,
    ordered: dict[int, int],
    checkout_token: str,
    shipping: dict[str, str],
    idempotency_key: str,
    idempotency_fingerprint: str,
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
        raise ValidationError(
            "Something in your cart is no longer sold. Please review your cart.", code="gone"
        )
    short = [product for product in products if product.stock < ordered[product.pk]]
    if short:
        # Each message its own error with the code: a list of messages keeps
        # none of the code given beside it (Django sets it on no item).
        raise ValidationError(
            [ValidationError(_sold_out_message(product), code="sold_out") for product in short]
        )

    order = Order.objects.create(
        user=user,
        checkout_token=checkout_token,
        idempotency_key=idempotency_key,
        idempotency_fingerprint=idempotency_fingerprint,
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
    # bulk_update() sends no post_save. The catalog's pages show whether a
    # product is in stock, not how many: they are renewed here, last, in
    # the order's transaction, when the order took a product's last unit
    # ("Sold out"), and not for every order, which would have every worker
    # render its pages again and queue every checkout behind the version's
    # row (catalog.services.catalog_changed).
    if any(product.stock == 0 for product in products):
        catalog_changed()
    return order, True


def _sold_out_message(product: Product) -> str:
    if product.stock == 0:
        return f"Sorry, {product.name} has just sold out."
    return f"Sorry, only {product.stock} of {product.name} are left. Please change the quantity in your cart."
