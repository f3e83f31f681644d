from django import forms
from django.contrib.auth.forms import UserCreationForm


class RegistrationForm(UserCreationForm):
    """Django's UserCreationForm (username, password1, password2) plus an e-mail."""

    email = forms.EmailField(required=True, help_text="For order confirmations.")

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")
