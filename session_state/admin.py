from django import forms
from django.contrib import admin

from .models import OAuthClient


class OAuthClientForm(forms.ModelForm):
    """The grants as boxes to tick, not JSON to type."""

    grant_types = forms.MultipleChoiceField(
        choices=OAuthClient.GrantType.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = OAuthClient
        fields = ("client_id", "name", "first_party", "grant_types", "redirect_uris")


@admin.register(OAuthClient)
class OAuthClientAdmin(admin.ModelAdmin):
    """
    The apps that may log users in through the API. All are public clients
    (no secret: an app's secret would be in every copy of it, RFC 8252
    §8.5); what keeps a code from another app is PKCE and the exact
    redirect URI.
    """

    form = OAuthClientForm
    list_display = ("client_id", "name", "first_party", "grant_types", "created_at")
    search_fields = ("client_id", "name")
