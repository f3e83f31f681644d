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
