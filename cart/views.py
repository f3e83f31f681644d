from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from catalog.models import Product

from . import selectors, services
from .forms import AddToCartForm, QuantityForm


@require_GET
def cart_detail(request):
    return _cart_page(request, _request_cart_view(request))


@require_POST
def add(request, product_id):
    product = get_object_or_404(Product, pk=product_id)
    form = AddToCartForm(request.POST)
    errors = _change_line(
        form,
        product,
        lambda quantity: services.add_to_cart(cart=request.cart, product=product, quantity=quantity),
    )
    if errors:
        return render(
            request, "cart/add_refused.html", {"product": product, "form": form, "errors": errors}, status=400
        )
    messages.success(request, f"Added {form.cleaned_data['quantity']} × {product.name} to your cart.")
    return _back_or_to_cart(request)


@require_POST
def update(request, product_id):
    product = get_object_or_404(Product, pk=product_id)
    form = QuantityForm(request.POST)
    errors = _change_line(
        form,
        product,
        lambda quantity: services.set_quantity(
            cart=request.cart.ref_for_change(), product=product, quantity=quantity
        ),
    )
    for error in errors:
        # Shown on the cart page, which the browser is sent back to: a reload
        # then shows the cart again rather than posting the refused change again.
        messages.error(request, error)
    return _back_or_to_cart(request)


def _change_line(form, product, change) -> list[str]:
    """Check the posted quantity and change the line with it: the errors to show (each names the product)."""
    try:
        if not form.is_valid():
            raise ValidationError(
                f"Please enter the quantity of {product.name} as a whole number.", code="invalid"
            )
        change(form.cleaned_data["quantity"])
    except ValidationError as error:
        return error.messages
    return []


@require_POST
def remove(request, product_id):
    cart = request.cart.ref
    if cart is not None:
        services.remove_from_cart(cart=cart, product_id=product_id)
    return _back_or_to_cart(request)


@require_POST
def clear(request):
    cart = request.cart.ref
    if cart is not None:
        services.clear_cart(cart=cart)
    return _back_or_to_cart(request)


@require_GET
def summary(request):
    cart = _request_cart_view(request)
    return JsonResponse({"count": cart.units, "lines": len(cart.lines), "subtotal": f"{cart.subtotal:.2f}"})


def _request_cart_view(request):
    # The lines as read with the page's session (cart.current.WHOLE_CART_PAGES): one round trip for both.
    return selectors.cart_view(cart=request.cart.ref, contents=request.cart.contents)


def _cart_page(request, cart):
    # cart_units given here spares the header a second read of the cart.
    return render(request, "cart/cart_detail.html", {"cart": cart, "cart_units": cart.units})


def _back_or_to_cart(request):
    # Back to the page the form was on, when it is on this site. (Not
    # redirect(): it would try a plain word as the name of a URL pattern.)
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect("cart:detail")
