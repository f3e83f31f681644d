from django import forms

from .services import MAX_QUANTITY_PER_LINE


class QuantityForm(forms.Form):
    """
    How many units: a whole number. Its range (1 to the per-line maximum)
    is the browser's to hint (min and max) and the cart service's to check,
    whose error names the product; the form's own would not.
    """

    quantity = forms.IntegerField(
        initial=1,
        error_messages={"invalid": "Please enter a whole number."},
        widget=forms.NumberInput(
            attrs={"inputmode": "numeric", "class": "quantity-input", "min": 1, "max": MAX_QUANTITY_PER_LINE}
        ),
    )


class AddToCartForm(QuantityForm):
    """Adding defaults to one unit when no quantity is sent (a quick-add button)."""

    def __init__(self, data=None, **kwargs):
        if data is not None and "quantity" not in data:
            data = data.copy()
            data["quantity"] = "1"
        super().__init__(data, **kwargs)
