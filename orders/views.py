from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from accounts.reauth import password_is_recent
from cart import selectors as cart_selectors
from cart import services as cart_services

from . import selectors, services
from .forms import CheckoutForm


def checkout(request):
    if not request.user.is_authenticated:
        # login_required's redirect, saying why: a guest who clicked Check out
        # is told on the login page, and that the cart is not lost.
        messages.info(request, "Please log in to check out. What's in your cart comes with you.")
        return redirect_to_login(request.get_full_path())
    cart = request.cart.ref
    if request.method != "POST":
        return _checkout_start(request, cart)
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        return _checkout_page(request, form, cart_selectors.cart_view(cart=cart), status=400)
    try:
        order, _placed_now = services.place_order(
            user=request.user,
            cart=cart,
            checkout_token=form.cleaned_data["checkout_token"],
            cart_digest=form.cleaned_data["cart_digest"],
            shipping=form.shipping(),
        )
    except ValidationError as error:
        return _checkout_page(
            request, form, cart_selectors.cart_view(cart=cart), errors=error.messages, status=409
        )
    messages.success(request, f"Thank you! Your order #{order.pk} is placed.")
    return redirect(order)


def _checkout_start(request, cart):
    token = cart_services.checkout_token(cart=cart)
    interrupted = services.finish_interrupted_checkout(user=request.user, cart=cart, checkout_token=token)
    if interrupted is not None:
        return redirect(interrupted)
    cart_view = cart_selectors.cart_view(cart=cart)
    if not cart_view.lines:
        messages.info(request, "Your cart is empty: add something before checking out.")
        return redirect("cart:detail")
    # The saved address only when the password was typed recently: showing
    # it is one of the things that asks for it (ASVS 3.7.1).
    saved = selectors.saved_shipping_address(user=request.user) if password_is_recent(request) else {}
    return _checkout_page(request, CheckoutForm(initial={"checkout_token": token, **saved}), cart_view)


@login_required
def order_list(request):
    return render(request, "orders/order_list.html", {"orders": selectors.orders_of(user=request.user)})


@login_required
def order_detail(request, pk):
    order = get_object_or_404(selectors.orders_of(user=request.user), pk=pk)
    return render(request, "orders/order_detail.html", {"order": order})


def _checkout_page(request, form, cart, *, errors=(), status=200):
    context = {"form": form, "cart": cart, "cart_units": cart.units, "errors": errors}
    return render(request, "orders/checkout.html", context, status=status)
