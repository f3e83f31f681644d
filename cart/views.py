from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from shop.models import Product

from . import selectors, services
from .forms import AddToCartForm, CheckoutForm, QuantityForm
from .identity import cart_for_request, cart_to_change
from .login import saved_shipping_address


@require_GET
def cart_detail(request):
    return _cart_page(request, selectors.cart_view(cart=cart_for_request(request)))


@require_POST
def add(request, product_id):
    product = get_object_or_404(Product, pk=product_id)
    form = AddToCartForm(request.POST)
    errors = _change_line(request, product, form, services.add_to_cart, find_cart=cart_to_change)
    if errors:
        context = {"product": product, "form": form, "errors": errors}
        return render(request, "shop/product_detail.html", context, status=400)
    messages.success(request, f"Added {form.cleaned_data['quantity']} × {product.name} to your cart.")
    return _back_or_to_cart(request)


@require_POST
def update(request, product_id):
    product = get_object_or_404(Product, pk=product_id)
    form = QuantityForm(request.POST)
    errors = _change_line(request, product, form, services.set_quantity, find_cart=partial(cart_for_request, create=True))
    if errors:
        cart = selectors.cart_view(cart=cart_for_request(request))
        return _cart_page(request, cart, errors=errors, status=400)
    return _back_or_to_cart(request)


def _change_line(request, product, form, change, *, find_cart) -> list[str]:
    """Check the posted quantity and apply change() with it: the errors to show, none if done."""
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["quantity"])
        change(cart=find_cart(request), product=product, quantity=form.cleaned_data["quantity"])
    except ValidationError as error:
        return error.messages
    return []


@require_POST
def remove(request, product_id):
    cart = cart_for_request(request)
    if cart is not None:
        services.remove_from_cart(cart=cart, product_id=product_id)
    return _back_or_to_cart(request)


@require_POST
def clear(request):
    cart = cart_for_request(request)
    if cart is not None:
        services.clear_cart(cart=cart)
    return _back_or_to_cart(request)


@require_GET
def summary(request):
    cart = selectors.cart_view(cart=cart_for_request(request))
    return JsonResponse({"count": cart.units, "lines": len(cart.lines), "subtotal": f"{cart.subtotal:.2f}"})


@login_required
def checkout(request):
    cart = cart_for_request(request)
    if request.method != "POST":
        return _checkout_start(request, cart)
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        return _checkout_page(request, form, selectors.cart_view(cart=cart), status=400)
    try:
        order = services.place_order(
            user=request.user,
            cart=cart,
            checkout_token=form.cleaned_data["checkout_token"],
            cart_digest=form.cleaned_data["cart_digest"],
            shipping=form.shipping(),
        )
    except ValidationError as error:
        return _checkout_page(request, form, selectors.cart_view(cart=cart), errors=error.messages, status=409)
    messages.success(request, f"Thank you! Your order #{order.pk} is placed.")
    return redirect(order)


def _checkout_start(request, cart):
    token = services.checkout_token(cart=cart)
    interrupted = services.finish_interrupted_checkout(user=request.user, cart=cart, checkout_token=token)
    if interrupted is not None:
        return redirect(interrupted)
    cart_view = selectors.cart_view(cart=cart)
    if not cart_view.lines:
        messages.info(request, "Your cart is empty: add something before checking out.")
        return redirect("cart:detail")
    initial = {"checkout_token": token, **saved_shipping_address(request)}
    return _checkout_page(request, CheckoutForm(initial=initial), cart_view)


@login_required
def order_list(request):
    return render(request, "cart/order_list.html", {"orders": selectors.orders_of(user=request.user)})


@login_required
def order_detail(request, pk):
    order = get_object_or_404(selectors.orders_of(user=request.user), pk=pk)
    return render(request, "cart/order_detail.html", {"order": order})


def _checkout_page(request, form, cart, *, errors=(), status=200):
    context = {"form": form, "cart": cart, "cart_units": cart.units, "errors": errors}
    return render(request, "cart/checkout.html", context, status=status)


def _cart_page(request, cart, *, errors=(), status=200):
    # cart_units given here spares the header a second read of the cart.
    context = {"cart": cart, "cart_units": cart.units, "errors": errors}
    return render(request, "cart/cart_detail.html", context, status=status)


def _back_or_to_cart(request):
    # Back to the page the form was on, when it is on this site. (Not
    # redirect(): it would try a plain word as the name of a URL pattern.)
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(target)
    return redirect("cart:detail")
