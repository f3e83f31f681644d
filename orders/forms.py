from django import forms


class CheckoutForm(forms.Form):
    full_name = forms.CharField(max_length=200, label="Full name")
    address = forms.CharField(max_length=300, label="Street address")
    city = forms.CharField(max_length=100)
    postal_code = forms.CharField(max_length=20, label="Postal code")
    country = forms.CharField(max_length=100)
    checkout_token = forms.CharField(max_length=64, widget=forms.HiddenInput)
    cart_digest = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def shipping(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name in ("full_name", "address", "city", "postal_code", "country")
        }
