from django import template

from ..forms import AddToCartForm

register = template.Library()


@register.inclusion_tag("cart/includes/add_to_cart_form.html", takes_context=True)
def add_to_cart_form(context, product, form=None):
    """
    The form that adds a product to the cart, for any page that shows one
    ({% load cart_tags %}{% add_to_cart_form product %}): the catalog shows
    it without knowing the cart's rules; the cart shows it again, with what
    was typed, when an add is refused.
    """
    return {"product": product, "form": form or AddToCartForm(), "csrf_token": context.get("csrf_token")}
