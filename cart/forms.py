from django import forms

from .services import MAX_QUANTITY_PER_LINE


class QuantityForm(forms.Form):
    """How many units: a whole number from 1 to the per-line maximum."""

    quantity = forms.IntegerField(
        min_value=1,
        max_value=MAX_QUANTITY_PER_LINE,
        initial=1,
        error_messages={"invalid": "Please enter a whole number."},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "quantity-input"}),
    )


class AddToCartForm(QuantityForm):
    """Adding defaults to one unit when no quantity is sent (a quick-add button)."""

    def __init__(self, data=None, **kwargs):
        if data is not None and "quantity" not in data:
            data = data.copy()
            data["quantity"] = "1"
        super().__init__(data, **kwargs)


class CheckoutForm(forms.Form):
    full_name = forms.CharField(max_length=200, label="Full name")
    address = forms.CharField(max_length=300, label="Street address")
    city = forms.CharField(max_length=100)
    postal_code = forms.CharField(max_length=20, label="Postal code")
    country = forms.CharField(max_length=100)
    checkout_token = forms.CharField(max_length=64, widget=forms.HiddenInput)
    cart_digest = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def shipping(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ("full_name", "address", "city", "postal_code", "country")}
