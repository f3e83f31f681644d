"""
The shop for a phone: the account, the catalog, the cart, checkout and
orders, through the same selectors and services as the web pages.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Status

from accounts import services as account_services
from cart import selectors as cart_selectors
from cart import services as cart_services
from catalog.models import Product
from catalog.selectors import catalog_page
from orders import selectors as order_selectors
from orders import services as order_services

from .. import idempotency, pagination, rfc9470, schemas

router = Router()

# An id in a path is text: schemas.TextInt, its digits only. The paths take
# any segment ({product_id}, not Django's {int:...}), so that "1.0" or
# "abc" is a 400 naming the parameter, as a wrong field of a body is, not
# a 404 for a path that seems not to exist.
ID = Path(..., ge=1, le=schemas.MAX_ID)


class ProductQuery(pagination.PageQuery):
    q: str = Field("", max_length=100, pattern=schemas.NO_NUL, description="Part of a product's name.")
    category: str | None = Field(
        None, max_length=100, pattern=schemas.NO_NUL, description="A category's slug."
    )


@router.get("/me", response=schemas.Me, tags=["account"])
def me(request):
    return request.user


@router.get("/account/address", response={200: schemas.Shipping, 404: schemas.Detail}, tags=["account"])
def saved_address(request):
    """The address kept in the account. Needs a recent password, as on the web (RFC 9470)."""
    rfc9470.require_recent_password(request)
    shipping = order_selectors.saved_shipping_address(user=request.user)
    if not shipping:
        raise Http404
    return shipping


@router.put("/account/address", response=schemas.Shipping, tags=["account"])
def save_address(request, shipping: schemas.Shipping):
    """Keep this address in the account, in place of any before. Needs a recent password, as on the web."""
    rfc9470.require_recent_password(request)
    return account_services.save_address(user=request.user, shipping=shipping.dict()).as_shipping()


@router.get("/products", auth=None, response=schemas.ProductPage, tags=["catalog"])
def products(request, query: Query[ProductQuery]):
    """The catalog by name, a page at a time: each product once in a walk of its pages."""
    filters = {"q": query.q.strip(), "category": query.category or None}
    page = catalog_page(
        search=filters["q"],
        category_slug=filters["category"],
        after=pagination.PRODUCTS.after(query.cursor, filters=filters),
        limit=query.limit,
    )
    return {
        "items": page.products,
        "next_cursor": pagination.PRODUCTS.cursor(page.next_after, filters=filters),
    }


@router.get(
    "/products/{product_id}",
    auth=None,
    response={200: schemas.Product, 404: schemas.Detail},
    tags=["catalog"],
)
def product(request, product_id: schemas.TextInt = ID):
    return get_object_or_404(Product.objects.select_related("category"), pk=product_id)


@router.get("/cart", response=schemas.Cart, tags=["cart"])
def cart(request):
    return _cart_of(request.user)


@router.post(
    "/cart/items",
    response={200: schemas.Cart, 201: schemas.Cart, 404: schemas.Detail, 409: schemas.Detail},
    tags=["cart"],
)
def add_to_cart(
    request,
    line: schemas.CartLineIn,
    idempotency_key: str | None = idempotency.header(
        required=False,
        description="Optional. Made by the client once per add and sent with every retry of it: the units "
        "are added once. Bound to the add's body for 24 hours: another body with it is a 422.",
    ),
):
    """
    Add units of a product to its line: 201 with the cart (409 when the stock or the cart's limits
    are in the way). The same Idempotency-Key and body again: 200 with the cart, nothing added.
    """
    product = get_object_or_404(Product, pk=line.product)
    added = cart_services.add_to_cart_once(
        cart=cart_selectors.cart_of_user(user=request.user),
        product=product,
        quantity=line.quantity,
        idempotency_key=idempotency_key,
        fingerprint=idempotency.fingerprint(request, line),
    )
    return Status(201 if added else 200, _cart_of(request.user))


@router.put(
    "/cart/items/{product_id}",
    response={200: schemas.Cart, 404: schemas.Detail, 409: schemas.Detail},
    tags=["cart"],
)
def set_quantity(request, line: schemas.QuantityIn, product_id: schemas.TextInt = ID):
    """Set a line's quantity, adding the line if the cart has none for the product."""
    product = get_object_or_404(Product, pk=product_id)
    cart_services.set_quantity(
        cart=cart_selectors.cart_of_user(user=request.user), product=product, quantity=line.quantity
    )
    return _cart_of(request.user)


@router.delete("/cart/items/{product_id}", response=schemas.Cart, tags=["cart"])
def remove_from_cart(request, product_id: schemas.TextInt = ID):
    cart_services.remove_from_cart(cart=cart_selectors.cart_of_user(user=request.user), product_id=product_id)
    return _cart_of(request.user)


@router.post(
    "/checkout", response={200: schemas.Order, 201: schemas.Order, 409: schemas.Detail}, tags=["orders"]
)
def checkout(
    request,
    body: schemas.CheckoutIn,
    idempotency_key: str = idempotency.header(
        required=True,
        description="Made by the client once per checkout and sent with every retry of it: one order, however "
        "often it arrives. Bound to the checkout's body for 24 hours: another body with it is a 422.",
    ),
):
    """
    Order the whole cart: 201 with the order; the same Idempotency-Key and body again, 200 with the
    same order; the same key with another body, 422.
    """
    if body.shipping is None:
        # To the saved address: needs a recent password, as the web's
        # checkout asks before it shows it (RFC 9470; a stolen refresh
        # token must not send the victim's order to, and read back, their address).
        rfc9470.require_recent_password(request)
    shipping = (
        body.shipping.dict() if body.shipping else order_selectors.saved_shipping_address(user=request.user)
    )
    if not shipping:
        raise ValidationError(
            "No shipping address: send one, or save one in your account.", code="missing_shipping"
        )
    order, created = order_services.place_order_once(
        user=request.user,
        cart=cart_selectors.cart_of_user(user=request.user),
        idempotency_key=idempotency_key,
        fingerprint=idempotency.fingerprint(request, body),
        shipping=shipping,
    )
    return Status(201 if created else 200, order_selectors.orders_of(user=request.user).get(pk=order.pk))


@router.get("/orders", response=schemas.OrderPage, tags=["orders"])
def orders(request, query: Query[pagination.PageQuery]):
    """The user's orders, newest first, a page at a time."""
    page = order_selectors.orders_page(
        user=request.user, after=pagination.ORDERS.after(query.cursor, filters={}), limit=query.limit
    )
    return {"items": page.orders, "next_cursor": pagination.ORDERS.cursor(page.next_after, filters={})}


@router.get("/orders/{order_id}", response={200: schemas.Order, 404: schemas.Detail}, tags=["orders"])
def order(request, order_id: schemas.TextInt = ID):
    """One of the user's orders; another user's is not found, as any that does not exist."""
    return get_object_or_404(order_selectors.orders_of(user=request.user), pk=order_id)


def _cart_of(user) -> dict:
    view = cart_selectors.cart_view(cart=cart_selectors.cart_of_user(user=user))
    return {"lines": view.lines, "units": view.units, "subtotal": view.subtotal}
